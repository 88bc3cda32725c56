using System.Collections.Generic;
using System.Linq;
using Seccomp.Compiler.Conditions;

namespace Seccomp.Compiler.Containers
{
    /// <summary>
    /// Sets of 64-bit argument values as lists of disjoint <see cref="ValuePattern"/>s, and the few operations the OCI
    /// lowering needs: the set one comparison of the program accepts, intersection, difference and a compact form.
    /// </summary>
    internal static class PatternSet
    {
        /// <summary>
        /// The most patterns one set may have: each is at least one entry of the profile, so a larger set is refused
        /// anyway, and stopping here keeps adversarial masks from growing sets exponentially.
        /// </summary>
        public const int MaxPatterns = 1024;

        public static List<ValuePattern> Universe() => new() { ValuePattern.Any };

        /// <summary>
        /// The raw register values for which <paramref name="c"/> holds, exactly as the program tests them: only the bits
        /// of the argument's width (a 32-bit int ignores the high word), under the comparison's mask, ordered as the C
        /// type's signedness says.
        /// </summary>
        public static List<ValuePattern> Of(CompareCondition c)
        {
            int bits = c.Type.Bits >= 64 ? 64 : c.Type.Bits;
            ulong width = c.Type.WidthMask;
            ulong mask = c.Mask & width;
            ulong v = c.Value & width;
            // Signed order is unsigned order with the sign bit flipped; the reference evaluator orders signed 32- and
            // 64-bit types only (a 16-bit mode_t is unsigned).
            bool signed = c.Type.Signed && (bits == 32 || bits == 64);
            ulong flip = signed ? 1UL << (bits - 1) : 0;
            ulong fv = v ^ flip;
            var flipped = new List<(ulong Lo, ulong Hi)>();
            switch (c.Op)
            {
                case CompareOp.Eq: flipped.Add((fv, fv)); break;
                case CompareOp.Ne:
                    if (fv > 0) flipped.Add((0, fv - 1));
                    if (fv < width) flipped.Add((fv + 1, width));
                    break;
                case CompareOp.Lt: if (fv > 0) flipped.Add((0, fv - 1)); break;
                case CompareOp.Le: flipped.Add((0, fv)); break;
                case CompareOp.Gt: if (fv < width) flipped.Add((fv + 1, width)); break;
                default: flipped.Add((fv, width)); break;
            }
            var result = new List<ValuePattern>();
            foreach (var (lo, hi) in flipped)
                foreach (var (a, b) in Unflip(lo, hi, flip))
                    foreach (var (start, low) in Blocks(a, b))
                    {
                        // Values of (x & mask) that begin with this block's prefix: x's bits of the prefix under the mask.
                        if ((start & ~mask) != 0) continue; // no x & mask has a bit outside the mask
                        result.Add(new ValuePattern(mask & ~low, start));
                    }
            return Normalize(result);
        }

        private static IEnumerable<(ulong, ulong)> Unflip(ulong lo, ulong hi, ulong flip)
        {
            if (flip == 0) { yield return (lo, hi); yield break; }
            // [lo, hi] in the flipped order: the part below the flip bit is the negative values, the rest the others.
            if (lo < flip) yield return (lo ^ flip, (hi < flip ? hi : flip - 1) ^ flip);
            if (hi >= flip) yield return ((lo >= flip ? lo : flip) ^ flip, hi ^ flip);
        }

        /// <summary>[lo, hi] as aligned blocks: (start, the block's low bits), largest first from the left.</summary>
        public static IEnumerable<(ulong Start, ulong Low)> Blocks(ulong lo, ulong hi)
        {
            while (true)
            {
                ulong low = 0;
                // Grow while the block stays aligned at lo and ends within hi.
                while (low != ulong.MaxValue)
                {
                    ulong next = (low << 1) | 1;
                    if ((lo & next) != 0 || lo + next > hi || lo + next < lo) break;
                    low = next;
                }
                yield return (lo, low);
                ulong end = lo + low;
                if (end >= hi) yield break;
                lo = end + 1;
            }
        }

        public static List<ValuePattern> Intersect(List<ValuePattern> a, List<ValuePattern> b)
        {
            var result = new List<ValuePattern>();
            foreach (var x in a)
                foreach (var y in b)
                    if (x.Overlaps(y)) result.Add(new ValuePattern(x.Mask | y.Mask, x.Value | y.Value));
            return Normalize(Bounded(result));
        }

        public static List<ValuePattern> Subtract(List<ValuePattern> a, List<ValuePattern> b)
        {
            var current = a;
            foreach (var p in b)
            {
                var next = new List<ValuePattern>();
                foreach (var x in current) Subtract(x, p, next);
                current = Bounded(next);
            }
            return Normalize(current);
        }

        private static List<ValuePattern> Bounded(List<ValuePattern> set) =>
            set.Count > MaxPatterns ? throw new TooLargeException() : set;

        /// <summary>Thrown when a set would need more than <see cref="MaxPatterns"/> patterns.</summary>
        public sealed class TooLargeException : System.Exception
        {
        }

        /// <summary>
        /// a minus p, as disjoint pieces: for each bit p fixes that a leaves free, from the highest, the values that agree
        /// with p on the bits before it and differ on it. Blocks minus blocks stay blocks this way.
        /// </summary>
        private static void Subtract(ValuePattern a, ValuePattern p, List<ValuePattern> into)
        {
            if (!a.Overlaps(p)) { into.Add(a); return; }
            ulong extra = p.Mask & ~a.Mask;
            ulong mask = a.Mask, value = a.Value;
            for (int bit = 63; bit >= 0; bit--)
            {
                ulong b = 1UL << bit;
                if ((extra & b) == 0) continue;
                into.Add(new ValuePattern(mask | b, value | (~p.Value & b)));
                mask |= b;
                value |= p.Value & b;
            }
        }

        /// <summary>Merges pairs of patterns that differ in one fixed bit until none is left: fewer entries, same set.</summary>
        public static List<ValuePattern> Normalize(List<ValuePattern> set)
        {
            var all = new HashSet<ValuePattern>(set);
            bool changed = true;
            while (changed)
            {
                changed = false;
                foreach (var p in all.ToList())
                {
                    if (!all.Contains(p)) continue;
                    for (int bit = 0; bit < 64; bit++)
                    {
                        ulong b = 1UL << bit;
                        if ((p.Mask & b) == 0) continue;
                        var buddy = new ValuePattern(p.Mask, p.Value ^ b);
                        if (!all.Contains(buddy)) continue;
                        all.Remove(p);
                        all.Remove(buddy);
                        all.Add(new ValuePattern(p.Mask & ~b, p.Value & ~b));
                        changed = true;
                        break;
                    }
                }
            }
            return all.OrderBy(p => p.Value).ThenBy(p => p.Mask).ToList();
        }
    }
}
