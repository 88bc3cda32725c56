using Seccomp;

namespace Seccomp.TestChild.Policies;

// Policies for in-process reports (SeccompOptions.Complain, ReportViolations; docs/reports.md).

/// <summary>Nothing allowed but pread64 (what Apply() reads to prove the install): under Complain every other call of
/// every thread goes to the supervisor, whose own calls must get through by construction, or it would wait on itself.</summary>
#pragma warning disable SECC0042 // the runtime's calls denied: on purpose, they are what this policy reports
[SeccompPolicy(DefaultAction = SeccompAction.KillProcess)]
[Allow("pread64")]
internal static partial class DenyEverythingPolicy;
#pragma warning restore SECC0042

/// <summary>The runtime's group and loopback TCP; everything else (getpgid among them) fails with EPERM.</summary>
[SeccompPolicy(DefaultAction = SeccompAction.Errno)]
[Allow("@dotnet-runtime")]
[Allow("socket", "bind", "listen", "accept4", "connect", "getsockname", "getpeername", "setsockopt", "getsockopt", "sendto", "recvfrom", "sendmsg", "recvmsg", "shutdown")]
internal static partial class ReportingPolicy;
