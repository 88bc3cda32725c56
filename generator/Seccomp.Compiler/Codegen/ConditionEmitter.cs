using System.Collections.Generic;
using Seccomp.Compiler.Bpf;
using Seccomp.Compiler.Conditions;

namespace Seccomp.Compiler.Codegen
{
    /// <summary>
    /// Emits a condition as short-circuit jumps to a true and a false label. It tracks what the accumulator holds on
    /// every path (which word of seccomp_data, and under which mask) so a word already loaded is not loaded again.
    /// </summary>
    internal sealed class ConditionEmitter
    {
        private const uint FullMask = 0xFFFF_FFFF;

        /// <summary>The accumulator holds the 32-bit word at Offset ANDed with Mask.</summary>
        private readonly record struct AState(uint Offset, uint Mask);

        private readonly Assembler _asm;

        /// <summary>Set while a SELF_PID comparison is emitted.</summary>
        private bool _selfPid;
        private readonly Dictionary<int, List<AState?>> _incoming = new();
        private AState? _a;
        private bool _reachable = true;

        /// <summary>Where each argument's words are: s390x stores the high word of args[i] first.</summary>
        private readonly bool _bigEndian;

        public ConditionEmitter(Assembler asm, uint initialOffset, bool bigEndian = false)
        {
            _asm = asm;
            _a = new AState(initialOffset, FullMask);
            _bigEndian = bigEndian;
        }

        private uint ArgOffset(int arg, bool high) => Op.ArgOffset(arg, high, _bigEndian);

        /// <summary>Binds a label; the accumulator is known there only if every way in agrees on it.</summary>
        public void Bind(int label)
        {
            var states = _incoming.TryGetValue(label, out var list) ? list : new List<AState?>();
            if (_reachable) states.Add(_a);
            AState? merged = states.Count == 0 ? null : states[0];
            foreach (var s in states)
                if (!Equals(s, merged)) merged = null;
            _a = merged;
            _reachable = true;
            _asm.Bind(label);
        }

        public void Ret(uint k)
        {
            _asm.Stmt(Op.RET | Op.K, k);
            _reachable = false;
        }

        public void Compile(Condition c, int t, int f)
        {
            switch (c)
            {
                case AndCondition and:
                {
                    int mid = _asm.NewLabel();
                    Compile(and.Left, mid, f);
                    Bind(mid);
                    Compile(and.Right, t, f);
                    break;
                }
                case OrCondition anyOf when EqualitySet(anyOf) is { } set:
                    EqualAny64(set.First, set.Values, t, f);
                    break;
                case OrCondition or:
                {
                    int mid = _asm.NewLabel();
                    Compile(or.Left, t, mid);
                    Bind(mid);
                    Compile(or.Right, t, f);
                    break;
                }
                case NotCondition not:
                    Compile(not.Operand, f, t);
                    break;
                case ConstCondition k:
                    Ja(k.Value ? t : f);
                    break;
                case CompareCondition cmp:
                    _selfPid = cmp.SelfPid;
                    Compare(cmp, t, f);
                    _selfPid = false;
                    break;
            }
        }

        /// <summary>
        /// <c>items[0] || items[1] || ...</c>, emitted exactly as the left-leaning chain <c>((items[0] || items[1]) || items[2]) ...</c>
        /// would be, without building it: the rules of one action can number tens of thousands, and a chain that deep
        /// would overflow the stack of every recursive walk. The longest leading run of items that together form one
        /// equality set (what <see cref="Compile"/> finds in the chain's outermost node that has one) becomes one
        /// <see cref="EqualAny64"/>; every later item is compiled on its own, falling through to the next. Linear in
        /// the size of the items.
        /// </summary>
        public void CompileAny(IReadOnlyList<Condition> items, int t, int f)
        {
            int n = items.Count;
            if (n == 0) { Ja(f); return; }

            // The run: every leaf an equality on the first leaf's 64-bit argument, under its mask. Each item is
            // walked once; a longer run keeps every leaf of a shorter one, so the first item that breaks it ends it.
            int k = 0;
            var leaves = new List<CompareCondition>();
            if (n >= 2 && EqualityLeaves(items[0], leaves) && leaves[0].Type.Bits == 64 && AllLike(leaves, leaves[0], 0))
            {
                for (int j = 1; j < n; j++)
                {
                    int before = leaves.Count;
                    if (!EqualityLeaves(items[j], leaves) || !AllLike(leaves, leaves[0], before))
                    {
                        leaves.RemoveRange(before, leaves.Count - before);
                        break;
                    }
                    k = j;
                }
            }

            // The labels between items, in the order the chain's recursion would have made them (outermost first).
            var next = new int[n + 1];
            next[n] = f;
            for (int j = n - 1; j > k; j--) next[j] = _asm.NewLabel();
            if (k >= 1) EqualAny64(leaves[0], leaves.ConvertAll(c => c.Value), t, next[k + 1]);
            else Compile(items[0], t, next[1]);
            for (int j = k + 1; j < n; j++)
            {
                Bind(next[j]);
                Compile(items[j], t, next[j + 1]);
            }
        }

        /// <summary>
        /// An OR whose every leaf tests one 64-bit argument (under one mask) for equality, as <c>x in (a, b, c)</c> does:
        /// null for anything else.
        /// </summary>
        private static (CompareCondition First, List<ulong> Values)? EqualitySet(OrCondition or)
        {
            var leaves = new List<CompareCondition>();
            if (!EqualityLeaves(or, leaves)) return null;
            var first = leaves[0];
            if (first.Type.Bits != 64 || !AllLike(leaves, first, 1)) return null;
            return (first, leaves.ConvertAll(c => c.Value));
        }

        /// <summary>
        /// Adds the leaves of the ORs of <paramref name="c"/>, left to right, when every one is an equality; false (with
        /// some leaves added) at the first leaf that is not. Iterative, so depth costs no stack.
        /// </summary>
        private static bool EqualityLeaves(Condition c, List<CompareCondition> leaves)
        {
            var stack = new Stack<Condition>();
            stack.Push(c);
            while (stack.Count > 0)
            {
                switch (stack.Pop())
                {
                    case OrCondition o: stack.Push(o.Right); stack.Push(o.Left); break;
                    case CompareCondition { Op: CompareOp.Eq, SelfPid: false } eq: leaves.Add(eq); break;
                    default: return false;
                }
            }
            return true;
        }

        /// <summary>Whether the leaves from <paramref name="from"/> on test the argument of <paramref name="first"/>, under its mask and type.</summary>
        private static bool AllLike(List<CompareCondition> leaves, CompareCondition first, int from)
        {
            for (int i = from; i < leaves.Count; i++)
                if (leaves[i].Arg != first.Arg || leaves[i].Mask != first.Mask || leaves[i].Type != first.Type) return false;
            return true;
        }

        /// <summary>
        /// <c>(x &amp; mask) in values</c> for a 64-bit x: the high word is loaded once and compared with each distinct
        /// high half, then the low word with the low halves that go with it.
        /// </summary>
        private void EqualAny64(CompareCondition c, List<ulong> values, int t, int f)
        {
            uint mh = (uint)(c.Mask >> 32), ml = (uint)c.Mask;
            var possible = new SortedSet<ulong>(values.FindAll(v => (v & ~c.Mask) == 0));
            if (possible.Count == 0) { Ja(f); return; }
            var groups = new SortedDictionary<uint, SortedSet<uint>>();
            foreach (var v in possible)
            {
                if (!groups.TryGetValue((uint)(v >> 32), out var lows)) groups[(uint)(v >> 32)] = lows = new SortedSet<uint>();
                lows.Add((uint)v);
            }
            uint hiOffset = ArgOffset(c.Arg, true), loOffset = ArgOffset(c.Arg, false);
            var groupList = new List<KeyValuePair<uint, SortedSet<uint>>>(groups);
            if (mh != 0) Load(hiOffset, mh);
            for (int g = 0; g < groupList.Count; g++)
            {
                bool lastGroup = g == groupList.Count - 1;
                int nextGroup = lastGroup ? f : _asm.NewLabel();
                int lowCheck;
                if (mh == 0)
                {
                    lowCheck = -1; // the high word can only be 0, and possible values say so
                }
                else
                {
                    lowCheck = ml == 0 ? t : _asm.NewLabel();
                    Jump(Op.JEQ, groupList[g].Key, lowCheck, nextGroup);
                    if (ml == 0) { if (!lastGroup) Bind(nextGroup); continue; }
                    Bind(lowCheck);
                }
                var lows = new List<uint>(groupList[g].Value);
                for (int i = 0; i < lows.Count; i++)
                {
                    bool last = i == lows.Count - 1;
                    // A value of another group cannot match once the high word matched this one.
                    int next = last ? (mh == 0 ? nextGroup : f) : _asm.NewLabel();
                    Load(loOffset, ml);
                    Jump(Op.JEQ, lows[i], t, next);
                    if (!last) Bind(next);
                }
                if (!lastGroup)
                {
                    Bind(nextGroup);
                    if (mh != 0) Load(hiOffset, mh);
                }
            }
        }

        private void Compare(CompareCondition c, int t, int f)
        {
            int bits = c.Type.Bits;
            ulong max = c.Type.WidthMask;
            ulong mask = c.Mask & max;
            ulong value = c.Value & max;

            // (x & M) != 0 and (x & M) == 0 are one JSET per word, with no AND.
            if (c.IsMasked && value == 0 && (c.Op == CompareOp.Ne || c.Op == CompareOp.Eq))
            {
                AnyBits(c.Arg, bits, mask, c.Op == CompareOp.Ne ? t : f, c.Op == CompareOp.Ne ? f : t);
                return;
            }

            var set = Intervals.For(c.Op, value, c.Type.Signed, bits);
            if (set.Count == 0) { Ja(f); return; }
            if (set.Count == 1 && set[0].Lo == 0 && set[0].Hi == max) { Ja(t); return; }
            if (set.Count == 1 && set[0].Lo == set[0].Hi) { Equal(c.Arg, bits, mask, set[0].Lo, t, f); return; }
            if (set.Count == 2 && set[0].Lo == 0 && set[1].Hi == max && set[0].Hi + 2 == set[1].Lo)
            {
                // Everything but one value: test equality with the targets swapped.
                Equal(c.Arg, bits, mask, set[0].Hi + 1, f, t);
                return;
            }

            for (int i = 0; i < set.Count; i++)
            {
                bool last = i == set.Count - 1;
                int next = last ? f : _asm.NewLabel();
                InInterval(c.Arg, bits, mask, set[i], max, t, next);
                if (!last) Bind(next);
            }
        }

        private void InInterval(int arg, int bits, ulong mask, Interval iv, ulong max, int t, int f)
        {
            if (iv.Lo == 0) { AtMost(arg, bits, mask, iv.Hi, t, f); return; }
            if (iv.Hi == max) { AtLeast(arg, bits, mask, iv.Lo, t, f); return; }
            int mid = _asm.NewLabel();
            AtLeast(arg, bits, mask, iv.Lo, mid, f);
            Bind(mid);
            AtMost(arg, bits, mask, iv.Hi, t, f);
        }

        private void AtLeast(int arg, int bits, ulong mask, ulong a, int t, int f)
        {
            if (bits <= 32)
            {
                Load(ArgOffset(arg, false), (uint)mask);
                Jump(Op.JGE, (uint)a, t, f);
                return;
            }
            uint ah = (uint)(a >> 32), al = (uint)a;
            Load(ArgOffset(arg, true), (uint)(mask >> 32));
            if (al == 0) { Jump(Op.JGE, ah, t, f); return; }
            int low = _asm.NewLabel();
            if (ah != FullMask)
            {
                int eq = _asm.NewLabel();
                Jump(Op.JGT, ah, t, eq);
                Bind(eq);
            }
            Jump(Op.JEQ, ah, low, f);
            Bind(low);
            Load(ArgOffset(arg, false), (uint)mask);
            Jump(Op.JGE, al, t, f);
        }

        private void AtMost(int arg, int bits, ulong mask, ulong b, int t, int f)
        {
            if (bits <= 32)
            {
                Load(ArgOffset(arg, false), (uint)mask);
                Jump(Op.JGT, (uint)b, f, t);
                return;
            }
            uint bh = (uint)(b >> 32), bl = (uint)b;
            Load(ArgOffset(arg, true), (uint)(mask >> 32));
            if (bl == FullMask) { Jump(Op.JGT, bh, f, t); return; }
            int low = _asm.NewLabel();
            if (bh != FullMask)
            {
                int eq = _asm.NewLabel();
                Jump(Op.JGT, bh, f, eq);
                Bind(eq);
            }
            Jump(Op.JEQ, bh, low, t);
            Bind(low);
            Load(ArgOffset(arg, false), (uint)mask);
            Jump(Op.JGT, bl, f, t);
        }

        /// <summary>(x &amp; mask) == v, word by word; a word whose mask is 0 can only hold 0.</summary>
        private void Equal(int arg, int bits, ulong mask, ulong v, int t, int f)
        {
            var words = new List<(uint Offset, uint Mask, uint Value)>();
            if (bits == 64) words.Add((ArgOffset(arg, true), (uint)(mask >> 32), (uint)(v >> 32)));
            words.Add((ArgOffset(arg, false), (uint)mask, (uint)v));
            words.RemoveAll(w => w.Mask == 0 && w.Value == 0);
            if (words.Exists(w => (w.Value & ~w.Mask) != 0)) { Ja(f); return; }
            if (words.Count == 0) { Ja(t); return; }
            // Test the word already in the accumulator first.
            if (words.Count == 2 && _a is { } a && a.Offset == words[1].Offset && a.Mask == words[1].Mask)
                words.Reverse();
            for (int i = 0; i < words.Count; i++)
            {
                bool last = i == words.Count - 1;
                int next = last ? t : _asm.NewLabel();
                Load(words[i].Offset, words[i].Mask);
                Jump(Op.JEQ, words[i].Value, next, f);
                if (!last) Bind(next);
            }
        }

        private void AnyBits(int arg, int bits, ulong mask, int t, int f)
        {
            var words = new List<(uint Offset, uint Mask)>();
            if (bits == 64 && (mask >> 32) != 0) words.Add((ArgOffset(arg, true), (uint)(mask >> 32)));
            if ((uint)mask != 0) words.Add((ArgOffset(arg, false), (uint)mask));
            if (words.Count == 0) { Ja(f); return; }
            for (int i = 0; i < words.Count; i++)
            {
                bool last = i == words.Count - 1;
                int next = last ? f : _asm.NewLabel();
                Load(words[i].Offset, FullMask);
                Jump(Op.JSET, words[i].Mask, t, next);
                if (!last) Bind(next);
            }
        }

        private void Load(uint offset, uint mask)
        {
            if (_a is { } a && a.Offset == offset && a.Mask == mask) return;
            if (!(_a is { } b && b.Offset == offset && b.Mask == FullMask))
                _asm.Stmt(Op.LD | Op.W | Op.ABS, offset);
            if (mask != FullMask)
                _asm.Stmt(Op.ALU | Op.AND | Op.K, mask);
            _a = new AState(offset, mask);
        }

        private void Jump(ushort op, uint k, int t, int f)
        {
            Record(t);
            Record(f);
            // The one jump of a SELF_PID comparison carries the placeholder: the assembler reports where it ends up.
            _asm.Jump((ushort)(Op.JMP | op | Op.K), k, t, f, processId: _selfPid && k == CompareCondition.SelfPidPlaceholder);
            _reachable = false;
        }

        private void Ja(int target)
        {
            Record(target);
            _asm.Ja(target);
            _reachable = false;
        }

        private void Record(int label)
        {
            if (!_incoming.TryGetValue(label, out var list)) _incoming[label] = list = new List<AState?>();
            list.Add(_a);
        }
    }
}
