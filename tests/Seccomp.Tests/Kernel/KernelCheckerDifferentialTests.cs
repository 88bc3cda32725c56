using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Seccomp.Bpf;
using Seccomp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Seccomp.Tests;

/// <summary>
/// The <see cref="SeccompProgram"/> constructor against the kernel's checker (bpf_check_classic and
/// seccomp_check_filter): random valid programs, mutated one field at a time at the checker's edges, must be
/// accepted by the constructor exactly when the kernel accepts them.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Kernel)]
public class KernelCheckerDifferentialTests
{
    private const int Programs = 3000;

    private readonly ITestOutputHelper _output;

    public KernelCheckerDifferentialTests(ITestOutputHelper output) => _output = output;

    private static readonly ushort[] Codes = Enumerable.Range(0, 0x100).Select(c => (ushort)c).ToArray();

    [Fact]
    public void TheConstructorRefusesWhatTheKernelRefuses()
    {
        var arch = SeccompLoader.CurrentArchitecture!.Value;
        var rng = new Random(20240512);
        var gen = new RandomBpfPrograms(rng, Array.Empty<uint>());
        var programs = new List<byte[]> { Array.Empty<byte>(), BpfInstruction.ToBytes(Enumerable.Repeat(BpfInstruction.Stmt(Op.RET | Op.K, 0), 4097).ToArray()) };
        while (programs.Count < Programs)
        {
            var code = gen.Body(120).ToArray();
            int n = code.Length, pc = rng.Next(n);
            var insn = code[pc];
            switch (rng.Next(6))
            {
                case 0: code[pc] = insn with { Code = Codes[rng.Next(Codes.Length)] }; break;
                case 1: code[pc] = insn with { Jt = (byte)Math.Max(0, n - pc - 2 + rng.Next(3)) }; break;
                case 2: code[pc] = insn with { Jf = (byte)Math.Max(0, n - pc - 2 + rng.Next(3)) }; break;
                case 3:
                {
                    // k at the edges of what each instruction allows.
                    uint[] ks = { 0, 1, 15, 16, 31, 32, 60, 62, 63, 64, (uint)(n - pc - 2), (uint)(n - pc - 1), (uint)(n - pc), 0xffff_ffff, 0xffff_f000 };
                    code[pc] = insn with { K = ks[rng.Next(ks.Length)] };
                    break;
                }
                case 4: Array.Resize(ref code, n - 1 > 0 ? n - 1 : 1); break;
                default:
                {
                    // A scratch-memory read moved before its write, or inserted on a path without one.
                    var list = code.ToList();
                    list.Insert(pc, BpfInstruction.Stmt(rng.Next(2) == 0 ? (ushort)(Op.LD | Op.MEM) : (ushort)(Op.LDX | Op.MEM), (uint)rng.Next(16)));
                    code = list.ToArray();
                    break;
                }
            }
            programs.Add(BpfInstruction.ToBytes(code));
        }

        string path = Path.Combine(Path.GetTempPath(), $"seccomp-check-{Environment.ProcessId}-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(path, programs.Select(p => Convert.ToHexString(p)));
        ChildResult child;
        try { child = ChildProcess.Run("bpf-check", path); }
        finally { File.Delete(path); }
        Assert.True(child.ExitCode == 0 && child.Values.ContainsKey("end") && child["full"] == "True", child.ToString());

        var kernel = new Dictionary<int, int>();
        foreach (var line in child.Stdout.Split('\n').Where(l => l.StartsWith("check=", StringComparison.Ordinal)))
        {
            var parts = line.TrimEnd('\r')[6..].Split(' ');
            kernel[int.Parse(parts[0], CultureInfo.InvariantCulture)] = int.Parse(parts[1], CultureInfo.InvariantCulture);
        }

        int accepted = 0, refused = 0;
        var mismatches = new List<string>();
        for (int i = 0; i < programs.Count; i++)
        {
            int errno = kernel[i];
            Assert.True(errno == 22 || errno == 12, $"program {i}: errno {errno}");
            bool kernelAccepts = errno == 12; // checked, then refused only for the full budget
            string? refusal = null;
            try { _ = new SeccompProgram(arch, programs[i]); }
            catch (ArgumentException e) { refusal = e.Message; }
            if (kernelAccepts) accepted++; else refused++;
            if (kernelAccepts != (refusal == null))
            {
                var insns = BpfInstruction.FromBytes(programs[i]);
                mismatches.Add($"program {i} ({insns.Length} instructions): kernel {(kernelAccepts ? "accepts" : "refuses")}, constructor {(refusal ?? "accepts")}\n" +
                    string.Join("\n", insns.Select((x, pc) => $"{pc:d4}: code=0x{x.Code:x2} jt={x.Jt} jf={x.Jf} k=0x{x.K:x}")));
            }
        }
        _output.WriteLine($"{programs.Count} programs checked by the kernel (after {child["filled"]} ALLOW filters filled the budget): {accepted} accepted, {refused} refused; mismatches: {mismatches.Count}");
        Assert.True(mismatches.Count == 0, string.Join("\n\n", mismatches.Take(5)));
        Assert.True(accepted > Programs / 10 && refused > Programs / 10);
    }
}
