using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using Seccomp.Bpf;
using Seccomp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Seccomp.Tests;

/// <summary>
/// The runtime's BPF interpreter (behind <c>Evaluate()</c> and <see cref="SeccompProgram.Run(int, ulong[])"/>) against
/// the kernel: random valid classic-BPF programs, each installed on its own thread of one child process and probed
/// with raw system calls, must give what the interpreter gives, call for call.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Kernel)]
[Collection(KernelLogCollection.Name)]
public class KernelInterpreterDifferentialTests
{
    private const int Programs = 3000;
    private const int CallsPerProgram = 10;

    private readonly ITestOutputHelper _output;

    public KernelInterpreterDifferentialTests(ITestOutputHelper output) => _output = output;

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("SECCOMP_DIFF_SEED"), out int s) ? s : 20240510;

    [Fact]
    public void RandomProgramsGiveWhatTheKernelGives()
    {
        var total = Stopwatch.StartNew();
        var arch = SeccompLoader.CurrentArchitecture!.Value;
        var info = Seccomp.Common.ArchInfo.Get(arch);
        uint auditArch = info.AuditArch;
        int Nr(string name) => info.TryGetNumber(name, out int n) ? n : throw new InvalidOperationException(name);

        // Calls that are harmless even when a program lets them run: the baseline says what they return then.
        // 999 and 0x7ffffff0 are no syscall (ENOSYS).
        int[] syscalls = { Nr("getppid"), Nr("getpgid"), Nr("getsid"), 999, 0x7fff_fff0 };
        var rng = new Random(Seed);
        var gen = new RandomBpfPrograms(rng, syscalls.Select(n => (uint)n).Concat(new uint[] { auditArch }));
        ulong[] edges = RandomPolicies.Edges;

        ulong Arg() => rng.Next(7) switch
        {
            0 => edges[rng.Next(edges.Length)],
            1 => 0,
            2 => (ulong)gen.Word() | ((ulong)gen.Word() << 32),
            3 => (ulong)rng.NextInt64() ^ ((ulong)rng.Next(2) << 63),
            4 => (ulong)rng.Next(0, 70),
            _ => gen.Word(),
        };

        // Jobs 0..5 read the instruction pointer the kernel reports (it is libc's syscall()), 12 bits at a time.
        var jobs = new List<KernelJob>();
        var probes = new (uint Offset, int Shift)[] { (8, 0), (8, 12), (8, 24), (12, 0), (12, 12), (12, 24) };
        foreach (var (offset, shift) in probes)
        {
            var body = new List<BpfInstruction>
            {
                BpfInstruction.Stmt(Op.LD | Op.W | Op.ABS, offset),
                BpfInstruction.Stmt(Op.ALU | Op.RSH | Op.K, (uint)shift),
                BpfInstruction.Stmt(Op.ALU | Op.AND | Op.K, 0xfff),
                BpfInstruction.Stmt(Op.ALU | Op.OR | Op.K, RandomBpfPrograms.Errno),
                BpfInstruction.Stmt(Op.RET | Op.A, 0),
            };
            jobs.Add(new KernelJob(BpfInstruction.ToBytes(RandomBpfPrograms.Guarded(syscalls, body)), new[] { (syscalls[0], new ulong[6]) }));
        }
        int firstRandom = jobs.Count;

        var programs = new List<SeccompProgram>();
        int dividedByZero = 0;
        for (int p = 0; p < Programs; p++)
        {
            var body = gen.Body();
            var inputs = Enumerable.Range(0, CallsPerProgram)
                .Select(_ => (syscalls[rng.Next(syscalls.Length)], Enumerable.Range(0, 6).Select(_ => Arg()).ToArray()))
                .ToArray();
            // Every 150th program divides by argument 0, which one of its calls makes 0: KILL_THREAD for that call.
            if (p % 150 == 75)
            {
                body = gen.DivideByZero(0, body);
                foreach (var input in inputs) input.Item2[0] |= 1;
                inputs[rng.Next(inputs.Length)].Item2[0] = (ulong)rng.Next(2) << 32;
                dividedByZero++;
            }
            var program = new SeccompProgram(arch, BpfInstruction.ToBytes(RandomBpfPrograms.Guarded(syscalls, body)));
            programs.Add(program);
            jobs.Add(new KernelJob(program.ToBytes(), inputs));
        }
        long generateMs = total.ElapsedMilliseconds;

        var run = KernelDifferential.Run(jobs, syscalls);

        ulong ip = 0;
        for (int i = 0; i < probes.Length; i++)
        {
            var r = run.Results[i][0];
            Assert.False(r.Killed);
            ulong bits = r.Result == 0 ? 0UL : (ulong)r.Errno;
            ip |= bits << (probes[i].Offset == 12 ? 32 + probes[i].Shift : probes[i].Shift);
        }

        int calls = 0, allowed = 0, errnos = 0, clamped = 0, killed = 0, errnoZero = 0;
        var mismatches = new List<string>();
        for (int j = firstRandom; j < jobs.Count; j++)
        {
            var program = programs[j - firstRandom];
            var job = jobs[j];
            for (int c = 0; c < job.Calls.Count; c++)
            {
                var (nr, args) = job.Calls[c];
                var data = new SeccompData(nr, auditArch, ip, args);
                var verdict = program.Run(data, out _);
                uint raw = KernelDifferential.RawReturn(program, data);
                var expected = CallOutcome.Expected(verdict, run.Baselines[j][c]);
                var actual = run.Results[j][c];
                calls++;
                switch (verdict.Action)
                {
                    case SeccompAction.Allow: allowed++; break;
                    case SeccompAction.KillThread: killed++; break;
                    default:
                        errnos++;
                        if ((raw & 0xffff) > 4095) clamped++;
                        if (verdict.Data == 0) errnoZero++;
                        break;
                }
                if (expected != actual && mismatches.Count < 10)
                {
                    mismatches.Add($"program {j}, call nr={nr} args=[{string.Join(", ", args.Select(a => "0x" + a.ToString("x", CultureInfo.InvariantCulture)))}] ip=0x{ip:x}: " +
                        $"kernel {actual}, interpreter {verdict} (raw 0x{raw:x8}) = {expected}\n{program.Disassemble()}");
                }
                else if (expected != actual) mismatches.Add("");
            }
        }

        _output.WriteLine($"seed {Seed}: {programs.Count} random programs ({dividedByZero} dividing by an argument that one call makes 0), {calls} calls, " +
            $"all in one child ({run.Threads} threads)");
        _output.WriteLine($"verdicts: {errnos} ERRNO ({clamped} with data above 4095, clamped; {errnoZero} ERRNO(0)), {allowed} ALLOW, {killed} KILL_THREAD (division by zero)");
        _output.WriteLine($"instruction pointer seen by the filters: 0x{ip:x}");
        _output.WriteLine($"time: generate {generateMs} ms, kernel side {run.KernelMilliseconds} ms, total {total.ElapsedMilliseconds} ms");
        _output.WriteLine("instructions generated: " + string.Join(", ", gen.Features.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value}")));
        _output.WriteLine($"mismatches: {mismatches.Count}");

        // The KILL_THREADs were logged through printk's rate limit (10 lines per 5 s): let it refill for the tests
        // that look for their own log lines.
        System.Threading.Thread.Sleep(5500);
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} calls differ; first:\n" + string.Join("\n\n", mismatches.Where(m => m.Length > 0)));
        Assert.True(programs.Count >= 1000 && calls >= 10_000);
        Assert.Equal(killed, run.Killed);
        Assert.Equal(dividedByZero, killed);
        Assert.True(clamped > 0 && allowed > 0 && killed > 0 && errnoZero > 0, "every kind of verdict was observed");
        foreach (var feature in new[]
        {
            "add #k", "sub #k", "mul #k", "div #k", "and #k", "or #k", "xor #k", "lsh #k", "rsh #k",
            "add x", "sub x", "mul x", "div x", "and x", "or x", "xor x", "lsh x", "rsh x", "neg",
            "ld #k", "ldx #k", "ld [nr]", "ld [arch]", "ld [ip]", "ld [args]", "ld len", "ldx len",
            "st/stx", "ld/ldx mem", "tax", "txa", "ja",
            "jeq #k", "jgt #k", "jge #k", "jset #k", "jeq x", "jgt x", "jge x", "jset x",
            "shift by x >= 32", "div by a data word", "div by x = 0", "ret errno > 4095",
        })
            Assert.True(gen.Features.ContainsKey(feature), feature);
    }
}
