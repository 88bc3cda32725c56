using System.Collections.Generic;
using Seccomp.Compiler.Bpf;
using Xunit;

namespace Seccomp.Tests;

/// <summary>The verifier refuses what the kernel refuses (bpf_check_classic and seccomp_check_filter).</summary>
public class VerifierTests
{
    private static BpfInstruction Ret(uint k) => new(Op.RET | Op.K, 0, 0, k);
    private static BpfInstruction Ld(uint k) => new(Op.LD | Op.W | Op.ABS, 0, 0, k);

    public static IEnumerable<object[]> Bad()
    {
        yield return new object[] { "empty", BpfInstruction.ToBytes(new BpfInstruction[0]), "1 to 4096" };
        yield return new object[] { "no ret at end", BpfInstruction.ToBytes(new[] { Ld(0) }), "last instruction must be a RET" };
        yield return new object[] { "unaligned load", BpfInstruction.ToBytes(new[] { Ld(2), Ret(0) }), "aligned 32-bit word" };
        yield return new object[] { "load past seccomp_data", BpfInstruction.ToBytes(new[] { Ld(64), Ret(0) }), "aligned 32-bit word" };
        yield return new object[] { "byte load", BpfInstruction.ToBytes(new[] { new BpfInstruction(Op.LD | Op.B | Op.ABS, 0, 0, 0), Ret(0) }), "not accepted" };
        yield return new object[] { "indirect load", BpfInstruction.ToBytes(new[] { new BpfInstruction(Op.LD | Op.W | Op.IND, 0, 0, 0), Ret(0) }), "not accepted" };
        yield return new object[] { "mod", BpfInstruction.ToBytes(new[] { new BpfInstruction(Op.ALU | Op.MOD | Op.K, 0, 0, 3), Ret(0) }), "not accepted" };
        yield return new object[] { "division by 0", BpfInstruction.ToBytes(new[] { new BpfInstruction(Op.ALU | Op.DIV | Op.K, 0, 0, 0), Ret(0) }), "division" };
        yield return new object[] { "shift by 32", BpfInstruction.ToBytes(new[] { new BpfInstruction(Op.ALU | Op.LSH | Op.K, 0, 0, 32), Ret(0) }), "shift" };
        yield return new object[] { "jump past end", BpfInstruction.ToBytes(new[] { new BpfInstruction(Op.JMP | Op.JEQ | Op.K, 1, 0, 0), Ret(0) }), "past the end" };
        yield return new object[] { "ja past end", BpfInstruction.ToBytes(new[] { new BpfInstruction(Op.JMP | Op.JA, 0, 0, 1), Ret(0) }), "past the end" };
        yield return new object[] { "memory slot 16", BpfInstruction.ToBytes(new[] { new BpfInstruction(Op.ST, 0, 0, 16), Ret(0) }), "slot 16" };
        yield return new object[] { "read before write", BpfInstruction.ToBytes(new[] { new BpfInstruction(Op.LD | Op.MEM, 0, 0, 3), Ret(0) }), "read before" };
        var big = new BpfInstruction[4097];
        for (int i = 0; i < big.Length; i++) big[i] = Ret(0);
        yield return new object[] { "4097 instructions", BpfInstruction.ToBytes(big), "1 to 4096" };
    }

    [Theory]
    [MemberData(nameof(Bad))]
    public void RefusesWhatTheKernelRefuses(string what, byte[] bytes, string expected)
    {
        var program = BpfInstruction.FromBytes(bytes);
        var errors = BpfVerifier.Verify(program);
        Assert.True(errors.Count > 0, what);
        Assert.Contains(errors, e => e.Message.Contains(expected));
    }

    [Fact]
    public void AcceptsTheFullSeccompInstructionSet()
    {
        var program = new[]
        {
            Ld(4), new BpfInstruction(Op.ST, 0, 0, 0), new BpfInstruction(Op.LDX | Op.MEM, 0, 0, 0),
            new BpfInstruction(Op.ALU | Op.AND | Op.K, 0, 0, 0xff), new BpfInstruction(Op.MISC | Op.TAX, 0, 0, 0),
            new BpfInstruction(Op.JMP | Op.JSET | Op.X, 0, 1, 0), new BpfInstruction(Op.JMP | Op.JA, 0, 0, 0),
            new BpfInstruction(Op.LD | Op.W | Op.LEN, 0, 0, 0), Ret(0x7fff0000),
        };
        Assert.Empty(BpfVerifier.Verify(program));
    }
}
