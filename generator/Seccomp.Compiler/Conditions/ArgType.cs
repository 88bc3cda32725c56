// Linked into the runtime too (internal there): in-process reports name a denied call's arguments.
#if SECCOMP_COMPILER
namespace Seccomp.Compiler.Conditions
#else
namespace Seccomp.Common.Conditions
#endif
{
    /// <summary>How the kernel's 64-bit argument slot is read for one C parameter type.</summary>
    internal readonly record struct ArgType(int Bits, bool Signed, bool Pointer, string CType)
    {
        /// <summary>
        /// Why the filter cannot compare this argument on the architecture at hand (arm's register pairs, s390x's
        /// mmap), or null. A condition that names it is enforced in the safe direction (SECC0013).
        /// </summary>
        public string? NotComparable { get; init; }

        public ulong WidthMask => Bits >= 64 ? ulong.MaxValue : (1UL << Bits) - 1;

        /// <summary>The bits of the slot the comparison sees: a 32-bit type ignores the high word entirely, a 16-bit
        /// one (umode_t, which the kernel's entry wrappers cast the register to) everything above bit 15.</summary>
        public ulong Truncate(ulong raw) => raw & WidthMask;

        public static ArgType Unknown64 => new(64, false, false, "unsigned long");
    }
}
