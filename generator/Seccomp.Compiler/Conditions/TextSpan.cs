using System.Collections.Generic;

namespace Seccomp.Compiler.Conditions
{
    /// <summary>A span of characters in the condition string (offsets into the string's value, not the source).</summary>
    internal readonly record struct TextSpan(int Start, int Length)
    {
        public int End => Start + Length;
        public static TextSpan FromBounds(int start, int end) => new(start, end - start);
    }
}
