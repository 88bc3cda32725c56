using System;
using Seccomp.Bpf;

namespace Seccomp
{
    /// <summary>
    /// Runs a classic BPF seccomp program on a <see cref="SeccompData"/>, as the kernel would, counting the
    /// instructions it executes. Only programs the verifier passed get here (the <see cref="SeccompProgram"/>
    /// constructor checks), so every jump lands inside the program and every instruction is one seccomp accepts.
    /// </summary>
    internal static class BpfInterpreter
    {
        // Optimized at once (never tiered): the in-process supervisor decides with it, and must not start tiering work.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public static uint Run(ReadOnlySpan<BpfInstruction> program, in SeccompData data, out int executed)
        {
            uint a = 0, x = 0;
            Span<uint> mem = stackalloc uint[16];
            executed = 0;
            int pc = 0;
            while (true)
            {
                if ((uint)pc >= (uint)program.Length)
                    throw new InvalidOperationException($"the program runs past its end at instruction {pc}");
                var insn = program[pc];
                executed++;
                uint k = insn.K;
                switch (insn.Code)
                {
                    case Op.LD | Op.W | Op.ABS: a = data.Word(k); break;
                    case Op.LD | Op.W | Op.LEN: a = Op.SeccompDataSize; break;
                    case Op.LDX | Op.W | Op.LEN: x = Op.SeccompDataSize; break;
                    case Op.LD | Op.IMM: a = k; break;
                    case Op.LDX | Op.IMM: x = k; break;
                    case Op.LD | Op.MEM: a = mem[(int)k]; break;
                    case Op.LDX | Op.MEM: x = mem[(int)k]; break;
                    case Op.ST: mem[(int)k] = a; break;
                    case Op.STX: mem[(int)k] = x; break;
                    case Op.MISC | Op.TAX: x = a; break;
                    case Op.MISC | Op.TXA: a = x; break;
                    case Op.RET | Op.K: return k;
                    case Op.RET | Op.A: return a;
                    case Op.JMP | Op.JA: pc += (int)k; break;
                    case Op.JMP | Op.JEQ | Op.K: pc += a == k ? insn.Jt : insn.Jf; break;
                    case Op.JMP | Op.JGT | Op.K: pc += a > k ? insn.Jt : insn.Jf; break;
                    case Op.JMP | Op.JGE | Op.K: pc += a >= k ? insn.Jt : insn.Jf; break;
                    case Op.JMP | Op.JSET | Op.K: pc += (a & k) != 0 ? insn.Jt : insn.Jf; break;
                    case Op.JMP | Op.JEQ | Op.X: pc += a == x ? insn.Jt : insn.Jf; break;
                    case Op.JMP | Op.JGT | Op.X: pc += a > x ? insn.Jt : insn.Jf; break;
                    case Op.JMP | Op.JGE | Op.X: pc += a >= x ? insn.Jt : insn.Jf; break;
                    case Op.JMP | Op.JSET | Op.X: pc += (a & x) != 0 ? insn.Jt : insn.Jf; break;
                    case Op.ALU | Op.NEG: a = unchecked(0u - a); break;
                    default:
                        if (Op.Class(insn.Code) != Op.ALU)
                            throw new InvalidOperationException($"instruction {pc}: opcode 0x{insn.Code:x2} is not valid in a seccomp filter");
                        uint operand = Op.Source(insn.Code) == Op.X ? x : k;
                        // Classic BPF ends the program with 0 on a division by a zero X (KILL_THREAD for seccomp).
                        if (Op.Operation(insn.Code) == Op.DIV && operand == 0) return 0;
                        a = Alu(Op.Operation(insn.Code), a, operand, pc);
                        break;
                }
                pc++;
            }
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private static uint Alu(ushort op, uint a, uint b, int pc) => op switch
        {
            Op.ADD => unchecked(a + b),
            Op.SUB => unchecked(a - b),
            Op.MUL => unchecked(a * b),
            Op.DIV => a / b,
            Op.AND => a & b,
            Op.OR => a | b,
            Op.XOR => a ^ b,
            // The kernel runs classic BPF as 32-bit eBPF ALU operations, whose shift count is taken mod 32 (the
            // interpreter masks it with 31, as x86's shl/shr do); C# masks a uint's shift count the same way.
            Op.LSH => a << (int)b,
            Op.RSH => a >> (int)b,
            _ => throw new InvalidOperationException($"instruction {pc}: ALU operation 0x{op:x2} is not valid in a seccomp filter"),
        };
    }
}
