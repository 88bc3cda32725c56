using System;
using System.Collections.Generic;
using Seccomp.Compiler.Codegen;
using Seccomp.Compiler.Conditions;

namespace Seccomp.Compiler.Analysis
{
    /// <summary>
    /// Exact sets of syscall argument vectors, as reduced ordered binary decision diagrams over the bits the filter sees:
    /// six 64-bit argument slots, most significant bit first, argument 0 first. A set is an <see cref="int"/> handle
    /// into one instance; <see cref="False"/> is the empty set and <see cref="True"/> every vector. A comparison of the
    /// compiler's model, <c>(truncate(arg) &amp; Mask) Op Value</c> with the C type's width and signedness, becomes a
    /// set of at most a few hundred nodes, and union, intersection and complement are exact, so a condition's
    /// satisfying set, its emptiness and its inclusion in other rules' sets are decided exactly, whatever the mix of
    /// arguments, masks, <c>!</c> and <c>||</c>. Only a condition whose diagram outgrows <see cref="MaxNodes"/> is left
    /// unknown (<see cref="ArgumentSetBudgetExceededException"/>).
    /// </summary>
    internal sealed class ArgumentSets
    {
        public const int False = 0;
        public const int True = 1;
        public const int Arguments = 6;
        public const int BitsPerArgument = 64;
        private const int Terminal = int.MaxValue;

        private readonly List<int> _var = new() { Terminal, Terminal };
        private readonly List<int> _lo = new() { 0, 1 };
        private readonly List<int> _hi = new() { 0, 1 };
        private readonly Dictionary<(int, int, int), int> _unique = new();
        private readonly Dictionary<(int, int), int> _and = new();
        private readonly Dictionary<(int, int), int> _or = new();
        private readonly Dictionary<int, int> _not = new();

        public ArgumentSets(int maxNodes = 500_000) => MaxNodes = maxNodes;

        public int MaxNodes { get; }

        public int NodeCount => _var.Count;

        /// <summary>The decision variable of bit <paramref name="bit"/> (0 = least significant) of argument <paramref name="arg"/>.</summary>
        private static int Var(int arg, int bit) => arg * BitsPerArgument + (BitsPerArgument - 1 - bit);

        private int Node(int v, int lo, int hi)
        {
            if (lo == hi) return lo;
            var key = (v, lo, hi);
            if (_unique.TryGetValue(key, out int n)) return n;
            if (_var.Count >= MaxNodes) throw new ArgumentSetBudgetExceededException();
            n = _var.Count;
            _var.Add(v);
            _lo.Add(lo);
            _hi.Add(hi);
            _unique[key] = n;
            return n;
        }

        public int And(int a, int b)
        {
            if (a == False || b == False) return False;
            if (a == True) return b;
            if (b == True || a == b) return a;
            if (a > b) (a, b) = (b, a);
            if (_and.TryGetValue((a, b), out int r)) return r;
            int va = _var[a], vb = _var[b], v = Math.Min(va, vb);
            int lo = And(va == v ? _lo[a] : a, vb == v ? _lo[b] : b);
            int hi = And(va == v ? _hi[a] : a, vb == v ? _hi[b] : b);
            r = Node(v, lo, hi);
            _and[(a, b)] = r;
            return r;
        }

        public int Or(int a, int b)
        {
            if (a == True || b == True) return True;
            if (a == False) return b;
            if (b == False || a == b) return a;
            if (a > b) (a, b) = (b, a);
            if (_or.TryGetValue((a, b), out int r)) return r;
            int va = _var[a], vb = _var[b], v = Math.Min(va, vb);
            int lo = Or(va == v ? _lo[a] : a, vb == v ? _lo[b] : b);
            int hi = Or(va == v ? _hi[a] : a, vb == v ? _hi[b] : b);
            r = Node(v, lo, hi);
            _or[(a, b)] = r;
            return r;
        }

        public int Not(int a)
        {
            if (a == False) return True;
            if (a == True) return False;
            if (_not.TryGetValue(a, out int r)) return r;
            r = Node(_var[a], Not(_lo[a]), Not(_hi[a]));
            _not[a] = r;
            return r;
        }

        /// <summary>The vectors in <paramref name="a"/> but not in <paramref name="b"/>.</summary>
        public int Minus(int a, int b) => And(a, Not(b));

        public bool IsSubset(int a, int b) => Minus(a, b) == False;

        public bool Intersects(int a, int b) => And(a, b) != False;

        public int Union(IEnumerable<int> sets)
        {
            int r = False;
            foreach (var s in sets) r = Or(r, s);
            return r;
        }

        /// <summary>Whether the argument vector <paramref name="args"/> (missing slots are 0) is in the set.</summary>
        public bool Contains(int set, IReadOnlyList<ulong> args)
        {
            int n = set;
            while (n != False && n != True)
            {
                int v = _var[n];
                int arg = v / BitsPerArgument, bit = BitsPerArgument - 1 - v % BitsPerArgument;
                ulong value = arg < args.Count ? args[arg] : 0UL;
                n = ((value >> bit) & 1) != 0 ? _hi[n] : _lo[n];
            }
            return n == True;
        }

        /// <summary>Some vector of the set (unconstrained bits 0), or null for the empty set.</summary>
        public ulong[]? Example(int set)
        {
            if (set == False) return null;
            var args = new ulong[Arguments];
            int n = set;
            while (n != True)
            {
                int v = _var[n];
                int arg = v / BitsPerArgument, bit = BitsPerArgument - 1 - v % BitsPerArgument;
                if (_lo[n] != False) n = _lo[n];
                else
                {
                    args[arg] |= 1UL << bit;
                    n = _hi[n];
                }
            }
            return args;
        }

        /// <summary>The arguments the set depends on (bit i for argument i).</summary>
        public int Support(int set)
        {
            int mask = 0;
            var seen = new HashSet<int>();
            var stack = new Stack<int>();
            stack.Push(set);
            while (stack.Count > 0)
            {
                int n = stack.Pop();
                if (n == False || n == True || !seen.Add(n)) continue;
                mask |= 1 << (_var[n] / BitsPerArgument);
                stack.Push(_lo[n]);
                stack.Push(_hi[n]);
            }
            return mask;
        }

        /// <summary>The set of vectors that satisfy a bound condition.</summary>
        public int Of(Condition condition) => condition switch
        {
            AndCondition a => And(Of(a.Left), Of(a.Right)),
            OrCondition o => Or(Of(o.Left), Of(o.Right)),
            NotCondition n => Not(Of(n.Operand)),
            ConstCondition k => k.Value ? True : False,
            CompareCondition c => Compare(c),
            _ => throw new ArgumentOutOfRangeException(nameof(condition)),
        };

        /// <summary>
        /// <c>(truncate(arg) &amp; Mask) Op Value</c>: the masked value is compared as the type's width, signed or
        /// unsigned, exactly as <see cref="Policy.ReferenceEvaluator"/> and the generated BPF do; bits above a 32-bit
        /// type's width are not constrained.
        /// </summary>
        public int Compare(CompareCondition c)
        {
            int result = False;
            foreach (var iv in Intervals.For(c.Op, c.Value, c.Type.Signed, c.Type.Bits))
                result = Or(result, MaskedInRange(c.Arg, c.Type.Bits, c.Mask, iv.Lo, iv.Hi));
            return result;
        }

        /// <summary>The vectors whose argument <paramref name="arg"/>, truncated to <paramref name="bits"/> and masked, lies in [lo, hi].</summary>
        public int MaskedInRange(int arg, int bits, ulong mask, ulong lo, ulong hi)
        {
            if (arg < 0 || arg >= Arguments) throw new ArgumentOutOfRangeException(nameof(arg));
            return And(Bound(arg, bits, mask, lo, atLeast: true), Bound(arg, bits, mask, hi, atLeast: false));
        }

        /// <summary>
        /// <c>y &gt;= k</c> (or <c>y &lt;= k</c>) for <c>y = x &amp; mask</c> over the low <paramref name="bits"/> bits, built from the
        /// least significant bit up: f(i) says how bits i..0 of y compare with those of k, given the bits above are equal.
        /// </summary>
        private int Bound(int arg, int bits, ulong mask, ulong k, bool atLeast)
        {
            int f = True; // no bits left: equal, which satisfies both <= and >=
            for (int i = 0; i < bits; i++)
            {
                bool kb = ((k >> i) & 1) != 0;
                bool variable = ((mask >> i) & 1) != 0;
                if (!variable)
                {
                    // y's bit is 0.
                    if (atLeast) f = kb ? False : f;
                    else f = kb ? True : f;
                    continue;
                }
                int v = Var(arg, i);
                if (atLeast) f = kb ? Node(v, False, f) : Node(v, f, True);
                else f = kb ? Node(v, True, f) : Node(v, f, False);
            }
            return f;
        }
    }
}
