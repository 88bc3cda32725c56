using Seccomp;

namespace Seccomp.TestChild.Policies;

// One policy per kernel action, each on getppid, a call the runtime never makes by itself. The default is ALLOW so
// that the runtime runs unhindered: these scenarios test what the kernel does with each action.

[SeccompPolicy(DefaultAction = SeccompAction.Allow)]
[Allow("getppid")]
[Deny("keyctl")]
internal static partial class AllowPolicy;

[SeccompPolicy(DefaultAction = SeccompAction.Allow)]
[Deny("getppid", Errno = Errno.ENOTBLK)]
internal static partial class ErrnoPolicy;

[SeccompPolicy(DefaultAction = SeccompAction.Allow)]
[Kill("getppid")]
internal static partial class KillProcessPolicy;

[SeccompPolicy(DefaultAction = SeccompAction.Allow)]
[Kill("getppid", Thread = true)]
internal static partial class KillThreadPolicy;

[SeccompPolicy(DefaultAction = SeccompAction.Allow)]
[Trap("getppid", Data = 42)]
internal static partial class TrapPolicy;

[SeccompPolicy(DefaultAction = SeccompAction.Allow)]
[Log("getppid")]
internal static partial class LogPolicy;

[SeccompPolicy(DefaultAction = SeccompAction.Allow)]
[Trace("getppid", Data = 7)]
internal static partial class TracePolicy;

[SeccompPolicy(DefaultAction = SeccompAction.Allow)]
[Notify("getppid")]
internal static partial class NotifyPolicy;

/// <summary>The broad first phase: everything but keyctl.</summary>
[SeccompPolicy(DefaultAction = SeccompAction.Allow)]
[Deny("keyctl", Errno = Errno.EACCES)]
internal static partial class BroadPolicy;

/// <summary>The narrow second phase: takes getppid away; its ALLOW default cannot give keyctl back.</summary>
[SeccompPolicy(DefaultAction = SeccompAction.Allow)]
[Deny("getppid", Errno = Errno.EPERM)]
[Allow("keyctl")]
internal static partial class NarrowPolicy;

/// <summary>Only for another architecture: applying it here must fail, closed.</summary>
[SeccompPolicy(DefaultAction = SeccompAction.Allow, Architectures = new[] { SeccompArch.Riscv64 })]
[Deny("getppid")]
internal static partial class ForeignOnlyPolicy;

/// <summary>Conditions on real calls: socket's domain and openat's flags.</summary>
[SeccompPolicy(DefaultAction = SeccompAction.Allow)]
[Deny("socket", When = "domain == AF_INET6 || (domain == AF_INET && (type & 0xf) == SOCK_RAW)", Errno = Errno.EAFNOSUPPORT)]
[Deny("openat", When = "(flags & O_ACCMODE) != O_RDONLY && dfd == AT_FDCWD", Errno = Errno.EROFS)]
[Deny("openat", When = "flags & O_CREAT", Errno = Errno.EACCES)]
internal static partial class ConditionPolicy;

/// <summary>The runtime group alone, under a denying default: what a .NET program needs to keep running.</summary>
[SeccompPolicy(DefaultAction = SeccompAction.Errno)]
[Allow("@dotnet-runtime")]
internal static partial class RuntimeOnlyPolicy;

/// <summary>
/// Kills mmap with write and execute together, tested with a mask: the same call with any other prot bit set (the
/// kernel ignores unknown ones) is killed too.
/// </summary>
[SeccompPolicy(DefaultAction = SeccompAction.Allow)]
[Kill("mmap", When = "(prot & (PROT_WRITE | PROT_EXEC)) == (PROT_WRITE | PROT_EXEC)")]
internal static partial class MaskedProtKillPolicy;

/// <summary>The bypassable form SECC0038 warns about: prot 0x10000000007 is not 7, and the kernel maps it RWX anyway.</summary>
#pragma warning disable SECC0038
[SeccompPolicy(DefaultAction = SeccompAction.Allow)]
[Kill("mmap", When = "prot == (PROT_READ | PROT_WRITE | PROT_EXEC)")]
internal static partial class EqualProtKillPolicy;
#pragma warning restore SECC0038

/// <summary>The runtime group alone under a killing default: what a recorded policy starts from.</summary>
[SeccompPolicy(DefaultAction = SeccompAction.KillProcess)]
[Allow("@dotnet-runtime")]
internal static partial class RuntimeKillPolicy;

/// <summary>
/// The runtime group plus what starting and reaping a child program takes (@process: vfork, execve, wait4, waitid,
/// kill, measured by tests/Seccomp.RuntimeMatrix); the child program runs under the filter too.
/// </summary>
[SeccompPolicy(DefaultAction = SeccompAction.KillProcess)]
[Allow("@dotnet-runtime", "@process")]
internal static partial class RuntimeChildrenPolicy;
