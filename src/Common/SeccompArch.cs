// Linked into the runtime (public, namespace Seccomp) and the compiler core (internal, namespace Seccomp.Compiler).
#if SECCOMP_COMPILER
namespace Seccomp.Compiler
#else
namespace Seccomp
#endif
{
    /// <summary>CPU architectures a policy can target; each gets its own program.</summary>
#if SECCOMP_COMPILER
    internal
#else
    public
#endif
    enum SeccompArch
    {
        /// <summary>x86_64 (AUDIT_ARCH_X86_64), 64-bit ABI.</summary>
        X86_64,
        /// <summary>arm64 (AUDIT_ARCH_AARCH64).</summary>
        Aarch64,
        /// <summary>riscv64 (AUDIT_ARCH_RISCV64).</summary>
        Riscv64,
        /// <summary>32-bit arm, EABI (AUDIT_ARCH_ARM): what an aarch64 kernel also runs as AArch32 tasks.</summary>
        Arm,
        /// <summary>64-bit little-endian POWER (AUDIT_ARCH_PPC64LE).</summary>
        Ppc64le,
        /// <summary>64-bit IBM Z (AUDIT_ARCH_S390X), big-endian.</summary>
        S390x,
        /// <summary>LoongArch64 (AUDIT_ARCH_LOONGARCH64).</summary>
        Loongarch64,
    }
}
