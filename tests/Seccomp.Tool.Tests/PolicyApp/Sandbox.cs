using Seccomp;

namespace PolicyApp;

// Line numbers matter: ToolPolicyTests checks that explain and check name these rules by file:line.
[SeccompPolicy(DefaultAction = SeccompAction.Allow, Architectures = new[] { SeccompArch.X86_64, SeccompArch.Aarch64, SeccompArch.Riscv64 })]
[Deny("getpgid", Errno = Errno.EACCES)]
[Deny("socket", Errno = Errno.EAFNOSUPPORT, When = "domain == AF_PACKET")]
internal static partial class Sandbox;
