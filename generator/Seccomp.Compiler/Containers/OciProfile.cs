using System.Collections.Generic;

namespace Seccomp.Compiler.Containers
{
    /// <summary>
    /// The <c>linux.seccomp</c> object of an OCI runtime configuration (runtime-spec config-linux.md): default action,
    /// architectures, flags and entries. <see cref="OciJson"/> writes it.
    /// </summary>
    internal sealed record OciProfile(SeccompVerdict DefaultAction, IReadOnlyList<SeccompArch> Architectures, bool LogDenied, IReadOnlyList<OciSyscall> Syscalls)
    {
        public static string ActionName(SeccompAction action) => action switch
        {
            SeccompAction.KillProcess => "SCMP_ACT_KILL_PROCESS",
            SeccompAction.KillThread => "SCMP_ACT_KILL_THREAD",
            SeccompAction.Trap => "SCMP_ACT_TRAP",
            SeccompAction.Errno => "SCMP_ACT_ERRNO",
            SeccompAction.Notify => "SCMP_ACT_NOTIFY",
            SeccompAction.Trace => "SCMP_ACT_TRACE",
            SeccompAction.Log => "SCMP_ACT_LOG",
            _ => "SCMP_ACT_ALLOW",
        };

        public static string ArchName(SeccompArch arch) => arch switch
        {
            SeccompArch.X86_64 => "SCMP_ARCH_X86_64",
            SeccompArch.Aarch64 => "SCMP_ARCH_AARCH64",
            SeccompArch.Arm => "SCMP_ARCH_ARM",
            SeccompArch.Ppc64le => "SCMP_ARCH_PPC64LE",
            SeccompArch.S390x => "SCMP_ARCH_S390X",
            SeccompArch.Loongarch64 => "SCMP_ARCH_LOONGARCH64",
            _ => "SCMP_ARCH_RISCV64",
        };
    }
}
