using System.Collections.Generic;
using System.Globalization;
using System.Text;
#if !SECCOMP_COMPILER
using Seccomp.Common;
#endif

// Linked into the runtime and the compiler core; internal in both.
#if SECCOMP_COMPILER
namespace Seccomp.Compiler.Bpf
#else
namespace Seccomp.Bpf
#endif
{
    /// <summary>
    /// Renders classic BPF as text, one line per instruction, with seccomp_data fields and return actions by name:
    /// <c>0003: jeq #0xc000003e, 4, 0</c> reads "if A == 0xc000003e go to 4 else to 0004".
    /// </summary>
    internal static class BpfDisassembler
    {
        public static string Disassemble(IReadOnlyList<BpfInstruction> program, ArchInfo? arch = null)
        {
            var sb = new StringBuilder();
            var lines = Lines(program, arch);
            for (int pc = 0; pc < lines.Length; pc++)
                sb.Append(pc.ToString("D4", CultureInfo.InvariantCulture)).Append(": ").Append(lines[pc]).Append('\n');
            return sb.ToString();
        }

        /// <summary>
        /// One line per instruction. With <paramref name="arch"/>, a comparison of the syscall number names the call
        /// (<c>jeq #59 execve, ...</c>): the accumulator holds the number from <c>ld [nr]</c> until something else is
        /// loaded, on every path into the instruction (jumps only go forward, so one pass in order sees every path).
        /// </summary>
        public static string[] Lines(IReadOnlyList<BpfInstruction> program, ArchInfo? arch = null)
        {
            int n = program.Count;
            var lines = new string[n];
            // Per instruction: 0 = not reached yet, 1 = A holds nr on every path so far, 2 = not on some path.
            var holdsNr = new byte[n + 1];
            for (int pc = 0; pc < n; pc++)
            {
                var insn = program[pc];
                bool nr = holdsNr[pc] == 1;
                lines[pc] = Format(insn, pc, nr ? arch : null, arch?.BigEndian ?? false);
                bool after = insn.Code == (Op.LD | Op.W | Op.ABS) ? insn.K == Op.OffsetNr
                    : Op.Class(insn.Code) is Op.JMP or Op.ST or Op.STX or Op.LDX || insn.Code == (Op.MISC | Op.TAX) ? nr
                    : false;
                if (Op.Class(insn.Code) == Op.JMP)
                {
                    if (Op.Operation(insn.Code) == Op.JA) Flow(holdsNr, pc + 1 + (int)insn.K, after);
                    else
                    {
                        Flow(holdsNr, pc + 1 + insn.Jt, after);
                        Flow(holdsNr, pc + 1 + insn.Jf, after);
                    }
                }
                else if (Op.Class(insn.Code) != Op.RET) Flow(holdsNr, pc + 1, after);
            }
            return lines;
        }

        private static void Flow(byte[] state, int target, bool holdsNr)
        {
            if ((uint)target >= (uint)state.Length) return;
            byte s = holdsNr ? (byte)1 : (byte)2;
            state[target] = state[target] == 0 ? s : (state[target] == s ? s : (byte)2);
        }

        /// <summary>One instruction; jump targets are absolute instruction indices.</summary>
        public static string Format(BpfInstruction insn, int pc) => Format(insn, pc, null, false);

        /// <summary>One instruction; <paramref name="syscalls"/> names the constant of a comparison with the syscall number.</summary>
        private static string Format(BpfInstruction insn, int pc, ArchInfo? syscalls, bool bigEndian)
        {
            ushort code = insn.Code;
            uint k = insn.K;
            switch (Op.Class(code))
            {
                case Op.LD:
                    if (code == (Op.LD | Op.W | Op.ABS)) return $"ld {Field(k, bigEndian)}";
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
                    if (syscalls != null && Op.Source(code) == Op.K && Op.Operation(code) != Op.JSET && k <= int.MaxValue
                        && syscalls.TryGetName((int)k, out var name))
                        operand += " " + name;
                    return $"{JumpName(Op.Operation(code))} {operand}, {pc + 1 + insn.Jt:D4}, {pc + 1 + insn.Jf:D4}";
                case Op.RET:
                    if (Op.RetSource(code) == Op.A) return "ret a";
                    var action = ActionCodes.Decode(k, out ushort data);
                    return "ret " + ActionCodes.Format(action, data);
                case Op.MISC:
                    return (code & 0xf8) == Op.TXA ? "txa" : "tax";
            }
            return $".insn code={Hex(code)} jt={insn.Jt} jf={insn.Jf} k={Hex(k)}";
        }

        /// <summary>The seccomp_data field at an offset; the u64s' low word comes second on a big-endian kernel (s390x).</summary>
        private static string Field(uint offset, bool bigEndian)
        {
            if (offset == Op.OffsetNr) return "[nr]";
            if (offset == Op.OffsetArch) return "[arch]";
            uint low = bigEndian ? 4u : 0u;
            if (offset == Op.OffsetIp || offset == Op.OffsetIp + 4) return offset - Op.OffsetIp == low ? "[ip_lo]" : "[ip_hi]";
            if (offset >= Op.OffsetArgs && offset < Op.SeccompDataSize && offset % 4 == 0)
            {
                uint arg = (offset - Op.OffsetArgs) / 8;
                return (offset - Op.OffsetArgs) % 8 == low ? $"[arg{arg}_lo]" : $"[arg{arg}_hi]";
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
