using System.Collections.Generic;
using Seccomp.Compiler.Conditions;

namespace Seccomp.Compiler.Codegen
{
    /// <summary>
    /// Turns a comparison into the set of unsigned values that satisfy it. BPF jumps compare unsigned only, so a
    /// signed comparison becomes one or two unsigned intervals (negative numbers are the top half of the range).
    /// </summary>
    internal static class Intervals
    {
        public static List<Interval> For(CompareOp op, ulong value, bool signed, int bits)
        {
            ulong max = bits >= 64 ? ulong.MaxValue : (1UL << bits) - 1;
            var result = new List<Interval>();
            switch (op)
            {
                case CompareOp.Eq:
                    result.Add(new(value, value));
                    return result;
                case CompareOp.Ne:
                    if (value > 0) result.Add(new(0, value - 1));
                    if (value < max) result.Add(new(value + 1, max));
                    return result;
            }

            if (!signed)
            {
                switch (op)
                {
                    case CompareOp.Lt: if (value > 0) result.Add(new(0, value - 1)); break;
                    case CompareOp.Le: result.Add(new(0, value)); break;
                    case CompareOp.Gt: if (value < max) result.Add(new(value + 1, max)); break;
                    case CompareOp.Ge: result.Add(new(value, max)); break;
                }
                return result;
            }

            // Signed: work on the signed interval, then map it onto unsigned values of the same bits.
            long v = ToSigned(value, bits);
            long min = bits == 32 ? int.MinValue : long.MinValue;
            long smax = bits == 32 ? int.MaxValue : long.MaxValue;
            long lo, hi;
            switch (op)
            {
                case CompareOp.Lt: if (v == min) return result; lo = min; hi = v - 1; break;
                case CompareOp.Le: lo = min; hi = v; break;
                case CompareOp.Gt: if (v == smax) return result; lo = v + 1; hi = smax; break;
                default: lo = v; hi = smax; break;
            }
            if (lo < 0 && hi >= 0)
            {
                result.Add(new(0, (ulong)hi));
                result.Add(new((ulong)lo & max, max));
            }
            else
            {
                result.Add(new((ulong)lo & max, (ulong)hi & max));
            }
            return result;
        }

        public static long ToSigned(ulong value, int bits) => bits == 32 ? (int)(uint)value : (long)value;
    }
}
