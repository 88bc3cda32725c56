using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Seccomp.Compiler.Bpf
{
    /// <summary>
    /// Renders classic BPF as text, one line per instruction, with seccomp_data fields and return actions by name:
    /// <c>0003: jeq #0xc000003e, 4, 0</c> reads "if A == 0xc000003e go to 4 else to 0004".
    /// </summary>
    public static class BpfDisassembler
    {
        public static string Disassemble(IReadOnlyList<BpfInstruction> program)
        {
            var sb = new StringBuilder();
            for (int pc = 0; pc < program.Count; pc++)
                sb.Append(pc.ToString("D4", CultureInfo.InvariantCulture)).Append(": ").AppendLine(Format(program[pc], pc));
            return sb.ToString();
        }

        /// <summary>One instruction; jump targets are absolute instruction indices.</summary>
        public static string Format(BpfInstruction insn, int pc)
        {
            ushort code = insn.Code;
            uint k = insn.K;
            switch (Op.Class(code))
            {
                case Op.LD:
                    if (code == (Op.LD | Op.W | Op.ABS)) return $"ld {Field(k)}";
                    if (code == (Op.LD | Op.IMM)) return $"ld #{Hex(k)}";
                    if (code == (Op.LD | Op.MEM)) return $"ld M[{k}]";
                    if (code == (Op.LD | Op.W | Op.LEN)) return "ld #len";
                    break;
                case Op.LDX:
                    if (code == (Op.LDX | Op.IMM)) return $"ldx #{Hex(k)}";
                    if (code == (Op.LDX | Op.MEM)) return $"ldx M[{k}]";
                    if (code == (Op.LDX | Op.W | Op.LEN)) return "ldx #len";
                    break;
                case Op.ST: return $"st M[{k}]";
                case Op.STX: return $"stx M[{k}]";
                case Op.ALU:
                    if (Op.Operation(code) == Op.NEG) return "neg";
                    return $"{AluName(Op.Operation(code))} {(Op.Source(code) == Op.X ? "x" : "#" + Hex(k))}";
                case Op.JMP:
                    if (Op.Operation(code) == Op.JA) return $"ja {pc + 1 + (int)k:D4}";
                    string operand = Op.Source(code) == Op.X ? "x" : "#" + Hex(k);
                    return $"{JumpName(Op.Operation(code))} {operand}, {pc + 1 + insn.Jt:D4}, {pc + 1 + insn.Jf:D4}";
                case Op.RET:
                    if (Op.RetSource(code) == Op.A) return "ret a";
                    return $"ret {Verdict.FromKernel(k)}";
                case Op.MISC:
                    return (code & 0xf8) == Op.TXA ? "txa" : "tax";
            }
            return $".insn code={Hex(code)} jt={insn.Jt} jf={insn.Jf} k={Hex(k)}";
        }

        private static string Field(uint offset)
        {
            if (offset == Op.OffsetNr) return "[nr]";
            if (offset == Op.OffsetArch) return "[arch]";
            if (offset == Op.OffsetIp) return "[ip_lo]";
            if (offset == Op.OffsetIp + 4) return "[ip_hi]";
            if (offset >= Op.OffsetArgs && offset < Op.SeccompDataSize && offset % 4 == 0)
            {
                uint arg = (offset - Op.OffsetArgs) / 8;
                return (offset - Op.OffsetArgs) % 8 == 0 ? $"[arg{arg}_lo]" : $"[arg{arg}_hi]";
            }
            return $"[{offset}]";
        }

        private static string Hex(uint value) => value < 10 ? value.ToString(CultureInfo.InvariantCulture) : "0x" + value.ToString("x", CultureInfo.InvariantCulture);

        private static string AluName(ushort op) => op switch
        {
            Op.ADD => "add", Op.SUB => "sub", Op.MUL => "mul", Op.DIV => "div", Op.OR => "or", Op.AND => "and",
            Op.LSH => "lsh", Op.RSH => "rsh", Op.MOD => "mod", Op.XOR => "xor", _ => "alu?",
        };

        private static string JumpName(ushort op) => op switch
        {
            Op.JEQ => "jeq", Op.JGT => "jgt", Op.JGE => "jge", Op.JSET => "jset", _ => "j?",
        };
    }
}
