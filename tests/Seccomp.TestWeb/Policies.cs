using Seccomp;

namespace Seccomp.TestWeb;

/// <summary>
/// The README's broad first phase: the runtime, the network, what start-up needs (configuration file watching), the
/// rule that lets the narrow policy in, and getpgid, which only this phase allows.
/// </summary>
[SeccompPolicy(DefaultAction = SeccompAction.Errno)]
[Allow("seccomp", When = "op in (SECCOMP_SET_MODE_FILTER, SECCOMP_GET_ACTION_AVAIL)")]
[Allow("@dotnet-runtime", "@network-io")]
[Allow("inotify_init1", "inotify_add_watch", "inotify_rm_watch", "getpgid")]
internal static partial class BroadSandbox;

/// <summary>The narrow second phase: serving only. getpgid is gone.</summary>
[SeccompPolicy(DefaultAction = SeccompAction.Errno)]
[Allow("@dotnet-runtime", "@network-io")]
[Allow("inotify_add_watch", "inotify_rm_watch")]
internal static partial class NarrowSandbox;

/// <summary>The broad phase as the issue reported it: built on @dotnet-runtime, without the seccomp rule.</summary>
[SeccompPolicy(DefaultAction = SeccompAction.Errno)]
[Allow("@dotnet-runtime", "@network-io")]
[Allow("inotify_init1", "inotify_add_watch", "inotify_rm_watch", "getpgid")]
internal static partial class DeniesSeccompBroad;

/// <summary>
/// Serving only, killing what it does not allow: the policy of the reports mode (docs/reports.md). getpgid, which
/// GET /getpgid calls, is missing on purpose: complain mode reports it, ReportViolations reports it and ends the process.
/// </summary>
[SeccompPolicy(DefaultAction = SeccompAction.KillProcess)]
[Allow("@dotnet-runtime", "@network-io")]
[Allow("inotify_add_watch", "inotify_rm_watch")]
internal static partial class ServingSandbox;
