namespace Seccomp.Compiler.Conditions
{
    /// <summary>How the kernel's 64-bit argument slot is read for one C parameter type.</summary>
    internal readonly record struct ArgType(int Bits, bool Signed, bool Pointer, string CType)
    {
        public ulong WidthMask => Bits >= 64 ? ulong.MaxValue : (1UL << Bits) - 1;

        /// <summary>The bits of the slot the comparison sees: a 32-bit type ignores the high word entirely, a 16-bit
        /// one (umode_t, which the kernel's entry wrappers cast the register to) everything above bit 15.</summary>
        public ulong Truncate(ulong raw) => raw & WidthMask;

        public static ArgType Unknown64 => new(64, false, false, "unsigned long");
    }

    internal enum CompareOp { Eq, Ne, Lt, Le, Gt, Ge }

    /// <summary>A condition bound to one syscall on one architecture: names resolved, constants folded.</summary>
    internal abstract record Condition;

    internal sealed record AndCondition(Condition Left, Condition Right) : Condition;

    internal sealed record OrCondition(Condition Left, Condition Right) : Condition;

    internal sealed record NotCondition(Condition Operand) : Condition;

    internal sealed record ConstCondition(bool Value) : Condition;

    /// <summary>
    /// <c>(arg &amp; Mask) Op Value</c>, where <c>arg</c> is the argument truncated to its type's width and Mask is the
    /// width's all-ones for a plain comparison. Value is already truncated to the width. Ordering operators follow
    /// <see cref="ArgType.Signed"/>.
    /// </summary>
    internal sealed record CompareCondition(int Arg, ArgType Type, ulong Mask, CompareOp Op, ulong Value) : Condition
    {
        public bool IsMasked => Mask != Type.WidthMask;
    }
}
