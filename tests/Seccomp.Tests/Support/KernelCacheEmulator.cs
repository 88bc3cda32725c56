using System.Collections.Generic;
using Seccomp.Compiler.Bpf;

namespace Seccomp.Tests.Support;

/// <summary>
/// What Linux's seccomp action cache (5.11+, seccomp_is_const_allow in kernel/seccomp.c) can prove: it emulates a
/// program knowing only the syscall number and the architecture, and caches ALLOW for that number when every path
/// it takes uses only loads of nr/arch, JA, JEQ/JGE/JGT/JSET with a constant, AND with a constant, and ends in
/// RET ALLOW. Anything else (an argument load, another action) makes the call go through the filter every time.
/// </summary>
internal static class KernelCacheEmulator
{
    public static bool IsConstAllow(IReadOnlyList<BpfInstruction> program, uint arch, uint nr)
    {
        uint reg = 0;
        for (int pc = 0; pc < program.Count; pc++)
        {
            var insn = program[pc];
            uint k = insn.K;
            switch (insn.Code)
            {
                case Op.LD | Op.W | Op.ABS:
                    if (k == Op.OffsetNr) reg = nr;
                    else if (k == Op.OffsetArch) reg = arch;
                    else return false;
                    break;
                case Op.RET | Op.K:
                    return k == 0x7fff0000;
                case Op.JMP | Op.JA:
                    pc += (int)k;
                    break;
                case Op.JMP | Op.JEQ | Op.K:
                    pc += reg == k ? insn.Jt : insn.Jf;
                    break;
                case Op.JMP | Op.JGE | Op.K:
                    pc += reg >= k ? insn.Jt : insn.Jf;
                    break;
                case Op.JMP | Op.JGT | Op.K:
                    pc += reg > k ? insn.Jt : insn.Jf;
                    break;
                case Op.JMP | Op.JSET | Op.K:
                    pc += (reg & k) != 0 ? insn.Jt : insn.Jf;
                    break;
                case Op.ALU | Op.AND | Op.K:
                    reg &= k;
                    break;
                default:
                    return false;
            }
        }
        return false;
    }
}
