namespace Seccomp.Compiler.Containers
{
    /// <summary>
    /// The argument values <c>x</c> with <c>(x &amp; Mask) == Value</c> (Value has no bit outside Mask): what one
    /// <c>SCMP_CMP_MASKED_EQ</c> says, so every set the lowering builds out of these is exportable one pattern per entry.
    /// Mask 0 is every value; a full mask one value (<c>SCMP_CMP_EQ</c>).
    /// </summary>
    internal readonly record struct ValuePattern(ulong Mask, ulong Value)
    {
        public static ValuePattern Any => new(0, 0);

        public bool IsAny => Mask == 0;

        /// <summary>True when the pattern is an aligned block of consecutive values: the mask is all ones down to some bit.</summary>
        public bool IsBlock
        {
            get
            {
                ulong low = ~Mask;
                return (low & (low + 1)) == 0;
            }
        }

        /// <summary>The last value of a block.</summary>
        public ulong BlockEnd => Value | ~Mask;

        public bool Overlaps(ValuePattern other) => ((Value ^ other.Value) & Mask & other.Mask) == 0;
    }
}
