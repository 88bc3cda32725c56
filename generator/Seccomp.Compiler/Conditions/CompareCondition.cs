namespace Seccomp.Compiler.Conditions
{
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
