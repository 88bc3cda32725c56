namespace Seccomp.Compiler.Conditions
{
    /// <summary>
    /// <c>(arg &amp; Mask) Op Value</c>, where <c>arg</c> is the argument truncated to its type's width and Mask is the
    /// width's all-ones for a plain comparison. Value is already truncated to the width. Ordering operators follow
    /// <see cref="ArgType.Signed"/>.
    /// </summary>
    internal sealed record CompareCondition(int Arg, ArgType Type, ulong Mask, CompareOp Op, ulong Value, bool SelfPid = false) : Condition
    {
        public bool IsMasked => Mask != Type.WidthMask;

        /// <summary>
        /// The value of <c>SELF_PID</c> in the program as built: a pid no kernel hands out (pid_max is at most 2^22), so
        /// the unpatched program matches no process. The runtime writes the process's pid over it at install, at the
        /// instructions the compiler lists (<see cref="CompiledProgram.ProcessIdSlots"/>).
        /// </summary>
        public const uint SelfPidPlaceholder = 0x7fffffff;
    }
}
