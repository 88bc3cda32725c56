using Seccomp;

namespace Seccomp.TestChild.Policies;

/// <summary>A first policy that denies seccomp(2) altogether: whatever comes after it cannot be installed (SECC0052).</summary>
[SeccompPolicy(DefaultAction = SeccompAction.Allow)]
[Deny("seccomp")]
[Deny("keyctl", Errno = Errno.EACCES)]
internal static partial class DenySeccompPolicy;

/// <summary>A second policy with a LOG rule: installing it needs a SECCOMP_GET_ACTION_AVAIL probe for LOG.</summary>
[SeccompPolicy(DefaultAction = SeccompAction.Allow)]
[Log("getppid")]
internal static partial class LogAfterPolicy;

/// <summary>The runtime group over a denying default, with the rule that lets a later policy in (issue 12).</summary>
[SeccompPolicy(DefaultAction = SeccompAction.Errno)]
[Allow("seccomp", When = "op in (SECCOMP_SET_MODE_FILTER, SECCOMP_GET_ACTION_AVAIL)")]
[Allow("@dotnet-runtime")]
[Allow("getpgid", "keyctl")]
internal static partial class RuntimeBroadPolicy;

/// <summary>The second phase after <see cref="RuntimeBroadPolicy"/>: takes getpgid away, and uses LOG (a new probe).</summary>
[SeccompPolicy(DefaultAction = SeccompAction.Errno)]
[Allow("@dotnet-runtime")]
[Log("keyctl")]
internal static partial class RuntimeNarrowPolicy;
