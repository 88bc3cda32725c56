using System;
using System.Collections.Generic;
using Seccomp.Compiler.Bpf;

namespace Seccomp.Compiler.Codegen
{
    /// <summary>
    /// Collects instructions whose jumps name labels, then lays them out: drops jumps to the next instruction and
    /// inserts trampolines where a conditional jump's target is more than 255 instructions away (classic BPF keeps
    /// jt/jf in one byte each; JA takes 32 bits).
    /// </summary>
    internal sealed class Assembler
    {
        private const int NoLabel = -1;

        private sealed class Item
        {
            public ushort Code;
            public uint K;
            public int Jt = NoLabel;
            public int Jf = NoLabel;
            public int JaTarget = NoLabel;
            /// <summary>A jump whose K the runtime replaces with the process's pid (SELF_PID).</summary>
            public bool ProcessId;
        }

        private readonly List<Item> _items = new();
        private readonly List<int> _labelPos = new();

        public int Count => _items.Count;

        public int NewLabel()
        {
            _labelPos.Add(-1);
            return _labelPos.Count - 1;
        }

        public void Bind(int label)
        {
            if (_labelPos[label] >= 0) throw new InvalidOperationException($"label {label} bound twice");
            _labelPos[label] = _items.Count;
        }

        public bool IsBound(int label) => _labelPos[label] >= 0;

        public void Stmt(ushort code, uint k) => _items.Add(new Item { Code = code, K = k });

        public void Jump(ushort code, uint k, int jt, int jf, bool processId = false) =>
            _items.Add(new Item { Code = code, K = k, Jt = jt, Jf = jf, ProcessId = processId });

        /// <summary>After <see cref="Assemble"/>: the indices of the jumps whose K is the process's pid, in order.</summary>
        public List<int> ProcessIdSlots { get; } = new();

        public void Ja(int target) => _items.Add(new Item { Code = Op.JMP | Op.JA, JaTarget = target });

        /// <summary>
        /// The program, or null when it would have more than <paramref name="maxInstructions"/> instructions; then
        /// <paramref name="size"/> is a lower bound of its size (laying out a program that cannot be used is not
        /// worth a quadratic relaxation), otherwise its exact size.
        /// </summary>
        public List<BpfInstruction>? Assemble(int maxInstructions, out int size)
        {
            ThreadJumps();
            RemoveJumpsToNext();
            var items = new List<Item>(_items);
            var pos = new List<int>(_labelPos);
            foreach (var p in pos)
                if (p < 0) throw new InvalidOperationException("a label was never bound");

            // Relaxation: each inserted trampoline can push other jumps out of range, so repeat until none is too far.
            // Trampolines only add instructions: once over the limit, the program is too large whatever follows.
            bool changed = true;
            while (changed)
            {
                size = items.Count;
                if (size > maxInstructions) return null;
                changed = false;
                for (int pc = 0; pc < items.Count && !changed; pc++)
                {
                    var it = items[pc];
                    if (it.Jt == NoLabel) continue;
                    foreach (bool trueBranch in new[] { true, false })
                    {
                        int label = trueBranch ? it.Jt : it.Jf;
                        int offset = pos[label] - pc - 1;
                        if (offset < 0) throw new InvalidOperationException("backward jump");
                        if (offset <= 255) continue;
                        int tramp = InsertTrampoline(items, pos, pc, label);
                        if (trueBranch) it.Jt = tramp; else it.Jf = tramp;
                        changed = true;
                        break;
                    }
                }
            }

            size = items.Count;
            if (size > maxInstructions) return null;
            var program = new List<BpfInstruction>(items.Count);
            for (int pc = 0; pc < items.Count; pc++)
            {
                var it = items[pc];
                if (it.JaTarget != NoLabel)
                    program.Add(BpfInstruction.Stmt(it.Code, (uint)(pos[it.JaTarget] - pc - 1)));
                else if (it.Jt != NoLabel)
                {
                    if (it.ProcessId) ProcessIdSlots.Add(pc);
                    program.Add(BpfInstruction.Jump(it.Code, it.K, (byte)(pos[it.Jt] - pc - 1), (byte)(pos[it.Jf] - pc - 1)));
                }
                else
                    program.Add(BpfInstruction.Stmt(it.Code, it.K));
            }
            return program;
        }

        /// <summary>
        /// Puts a hop to <paramref name="label"/> right after the jump at <paramref name="pc"/>: a copy of the target
        /// when it is a RET (same size, one instruction fewer executed), a JA otherwise.
        /// </summary>
        private static int InsertTrampoline(List<Item> items, List<int> pos, int pc, int label)
        {
            var target = items[pos[label]];
            var hop = Op.Class(target.Code) == Op.RET
                ? new Item { Code = target.Code, K = target.K }
                : new Item { Code = Op.JMP | Op.JA, JaTarget = label };
            items.Insert(pc + 1, hop);
            for (int i = 0; i < pos.Count; i++)
                if (pos[i] > pc) pos[i]++;
            pos.Add(pc + 1);
            return pos.Count - 1;
        }

        /// <summary>A jump to a JA goes straight to the JA's target (relaxation re-bridges it if that is too far).</summary>
        private void ThreadJumps()
        {
            int Final(int label)
            {
                for (int hops = 0; hops < _items.Count; hops++)
                {
                    int pos = _labelPos[label];
                    if (pos >= _items.Count || _items[pos].JaTarget == NoLabel) return label;
                    label = _items[pos].JaTarget;
                }
                return label;
            }
            foreach (var it in _items)
            {
                if (it.JaTarget != NoLabel) it.JaTarget = Final(it.JaTarget);
                if (it.Jt != NoLabel) { it.Jt = Final(it.Jt); it.Jf = Final(it.Jf); }
            }
        }

        /// <summary>
        /// Drops every JA whose target is the instruction after it, once the JAs after it are gone (as removing them
        /// one by one from the end would), in one pass: a label stays on the item it was bound to, or on the next one
        /// kept when that item is removed.
        /// </summary>
        private void RemoveJumpsToNext()
        {
            var removed = new bool[_items.Count];
            int nextKept = _items.Count; // the first item after pc that is kept
            for (int pc = _items.Count - 1; pc >= 0; pc--)
            {
                var it = _items[pc];
                // With the removed items between them gone, a label at p lands right after pc exactly when every
                // item in (pc, p) is removed.
                if (it.JaTarget != NoLabel && _labelPos[it.JaTarget] > pc && _labelPos[it.JaTarget] <= nextKept) removed[pc] = true;
                else nextKept = pc;
            }
            // removedBefore[p]: how many removed items precede position p.
            var removedBefore = new int[_items.Count + 1];
            for (int i = 0; i < _items.Count; i++) removedBefore[i + 1] = removedBefore[i] + (removed[i] ? 1 : 0);
            for (int i = 0; i < _labelPos.Count; i++)
                if (_labelPos[i] >= 0) _labelPos[i] -= removedBefore[Math.Min(_labelPos[i], _items.Count)];
            int w = 0;
            for (int r = 0; r < _items.Count; r++)
                if (!removed[r]) _items[w++] = _items[r];
            _items.RemoveRange(w, _items.Count - w);
        }
    }
}
