// Linked into the runtime, the compiler core (where the tool finds it) and the tool's startup hook: the architecture
// this process runs as, found in one place. In namespace Seccomp.Common in every build, so that the recorder handshake
// (one source linked into the runtime, the hook and the tool) names it the same way everywhere.
using System.Runtime.InteropServices;
#if SECCOMP_COMPILER
using Seccomp.Compiler;
#endif

namespace Seccomp.Common
{
    internal static class HostArchitecture
    {
        /// <summary>RiscV64's value of <see cref="Architecture"/>, named from .NET 9 on (the runtime targets net8.0).</summary>
        private const Architecture RiscV64 = (Architecture)9;

        // The others by value too: the compiler core (netstandard2.0, where the tool finds this file) predates them.
        private const Architecture S390x = (Architecture)5, LoongArch64 = (Architecture)6, Armv6 = (Architecture)7,
            Ppc64le = (Architecture)8;

#if !SECCOMP_HOOK
        /// <summary>The architecture this process runs as, or null when no policy can target it.</summary>
        public static SeccompArch? Current => RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => SeccompArch.X86_64,
            Architecture.Arm64 => SeccompArch.Aarch64,
            RiscV64 => SeccompArch.Riscv64,
            // armv6 (linux-armv6, Raspberry Pi 1/Zero) is the same EABI and audit arch as armv7.
            Architecture.Arm or Armv6 => SeccompArch.Arm,
            Ppc64le => SeccompArch.Ppc64le,
            S390x => SeccompArch.S390x,
            LoongArch64 => SeccompArch.Loongarch64,
            _ => null,
        };
#endif

        /// <summary>
        /// seccomp(2)'s number on this process's architecture: 317 on x86_64, 277 in the generic table (arm64, riscv64,
        /// loongarch64), 383 on arm, 358 on powerpc, 348 on s390x; -1 elsewhere. A constant rather than a table lookup:
        /// the startup hook has no syscall tables (SyscallTableTests checks these against the tables).
        /// </summary>
        public static long SeccompSyscallNumber => SeccompSyscallNumberOf(RuntimeInformation.ProcessArchitecture);

        public static long SeccompSyscallNumberOf(Architecture architecture) => architecture switch
        {
            Architecture.X64 => 317,
            Architecture.Arm64 => 277,
            RiscV64 => 277,
            LoongArch64 => 277,
            Architecture.Arm or Armv6 => 383,
            Ppc64le => 358,
            S390x => 348,
            _ => -1,
        };
    }
}
