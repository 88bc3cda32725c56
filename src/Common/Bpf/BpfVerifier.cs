using System.Collections.Generic;

// Linked into the runtime and the compiler core; internal in both.
#if SECCOMP_COMPILER
namespace Seccomp.Compiler.Bpf
#else
namespace Seccomp.Bpf
#endif
{
    /// <summary>
    /// The checks the kernel makes when a seccomp filter is installed (bpf_check_classic and seccomp_check_filter in
    /// Linux), so that a program the generator emits is one the kernel will accept. Every generated program passes
    /// through here before it is written out.
    /// </summary>
    internal static class BpfVerifier
    {
        private const int MemoryWords = 16;

        public static IReadOnlyList<VerifierError> Verify(IReadOnlyList<BpfInstruction> program)
        {
            var errors = new List<VerifierError>();
            int n = program.Count;
            if (n == 0 || n > Op.MaxInstructions)
            {
                errors.Add(new(-1, $"a program has 1 to {Op.MaxInstructions} instructions; this one has {n}"));
                if (n == 0) return errors;
            }

            for (int pc = 0; pc < n; pc++)
            {
                var insn = program[pc];
                string? problem = CheckInstruction(insn, pc, n);
                if (problem != null) errors.Add(new(pc, problem));
            }

            ushort last = program[n - 1].Code;
            if (last != (Op.RET | Op.K) && last != (Op.RET | Op.A))
                errors.Add(new(n - 1, "the last instruction must be a RET"));

            if (errors.Count == 0) CheckMemory(program, errors);
            return errors;
        }

        private static string? CheckInstruction(BpfInstruction insn, int pc, int n)
        {
            ushort code = insn.Code;
            uint k = insn.K;
            switch (code)
            {
                case Op.LD | Op.W | Op.ABS:
                    if (k >= Op.SeccompDataSize || (k & 3) != 0)
                        return $"load of offset {k} is not an aligned 32-bit word inside seccomp_data (0..60)";
                    return null;
                case Op.LD | Op.W | Op.LEN:
                case Op.LDX | Op.W | Op.LEN:
                case Op.RET | Op.K:
                case Op.RET | Op.A:
                case Op.ALU | Op.ADD | Op.K: case Op.ALU | Op.ADD | Op.X:
                case Op.ALU | Op.SUB | Op.K: case Op.ALU | Op.SUB | Op.X:
                case Op.ALU | Op.MUL | Op.K: case Op.ALU | Op.MUL | Op.X:
                case Op.ALU | Op.DIV | Op.X:
                case Op.ALU | Op.AND | Op.K: case Op.ALU | Op.AND | Op.X:
                case Op.ALU | Op.OR | Op.K: case Op.ALU | Op.OR | Op.X:
                case Op.ALU | Op.XOR | Op.K: case Op.ALU | Op.XOR | Op.X:
                case Op.ALU | Op.LSH | Op.X:
                case Op.ALU | Op.RSH | Op.X:
                case Op.ALU | Op.NEG:
                case Op.LD | Op.IMM:
                case Op.LDX | Op.IMM:
                case Op.MISC | Op.TAX:
                case Op.MISC | Op.TXA:
                    return null;
                case Op.ALU | Op.DIV | Op.K:
                    return k == 0 ? "division by the constant 0" : null;
                case Op.ALU | Op.LSH | Op.K:
                case Op.ALU | Op.RSH | Op.K:
                    return k >= 32 ? $"shift by {k} (at most 31)" : null;
                case Op.LD | Op.MEM:
                case Op.LDX | Op.MEM:
                case Op.ST:
                case Op.STX:
                    return k >= MemoryWords ? $"scratch memory slot {k} does not exist (0..15)" : null;
                case Op.JMP | Op.JA:
                    // The kernel compares k with the remaining length as unsigned, so negative offsets fail too.
                    return k >= (uint)(n - pc - 1) ? $"ja jumps past the end (offset {k})" : null;
                case Op.JMP | Op.JEQ | Op.K: case Op.JMP | Op.JEQ | Op.X:
                case Op.JMP | Op.JGE | Op.K: case Op.JMP | Op.JGE | Op.X:
                case Op.JMP | Op.JGT | Op.K: case Op.JMP | Op.JGT | Op.X:
                case Op.JMP | Op.JSET | Op.K: case Op.JMP | Op.JSET | Op.X:
                    if (pc + insn.Jt + 1 >= n || pc + insn.Jf + 1 >= n)
                        return "conditional jump target past the end";
                    return null;
                default:
                    return $"opcode 0x{code:x2} is not accepted in a seccomp filter";
            }
        }

        /// <summary>Scratch memory must be written on every path before it is read (check_load_and_stores).</summary>
        private static void CheckMemory(IReadOnlyList<BpfInstruction> program, List<VerifierError> errors)
        {
            int n = program.Count;
            var masks = new ushort[n];
            for (int i = 0; i < n; i++) masks[i] = 0xffff;
            ushort valid = 0;
            for (int pc = 0; pc < n; pc++)
            {
                valid &= masks[pc];
                var insn = program[pc];
                switch (insn.Code)
                {
                    case Op.ST:
                    case Op.STX:
                        valid |= (ushort)(1 << (int)insn.K);
                        break;
                    case Op.LD | Op.MEM:
                    case Op.LDX | Op.MEM:
                        if ((valid & (1 << (int)insn.K)) == 0)
                        {
                            errors.Add(new(pc, $"scratch memory slot {insn.K} is read before it is written"));
                            return;
                        }
                        break;
                    case Op.JMP | Op.JA:
                        masks[pc + 1 + (int)insn.K] &= valid;
                        valid = 0xffff;
                        break;
                    default:
                        if (Op.Class(insn.Code) == Op.JMP)
                        {
                            masks[pc + 1 + insn.Jt] &= valid;
                            masks[pc + 1 + insn.Jf] &= valid;
                            valid = 0xffff;
                        }
                        break;
                }
            }
        }
    }
}
