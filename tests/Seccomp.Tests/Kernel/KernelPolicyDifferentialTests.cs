using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using Seccomp.Bpf;
using Seccomp.Compiler;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Policy;
using Seccomp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Seccomp.Tests;

/// <summary>
/// Compiled policies on the real kernel: random conditional policies over 32- and 64-bit, signed and unsigned
/// arguments, installed in a child and probed with raw system calls. Every rule and the default are ERRNO with their
/// own errno, so each call comes back with the errno of the rule that decided it and nothing runs; the kernel, the
/// runtime's interpreter (what <c>Evaluate()</c> runs) and the reference evaluator must agree on every call.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Kernel)]
public class KernelPolicyDifferentialTests
{
    private const int Policies = 200;
    private const int CallsPerPolicy = 500;

    /// <summary>
    /// Syscalls the runtime does not make on a thread of its own (so the guard in front of the policy can let every
    /// other call through), whose arguments cover int, unsigned int, umode_t, uid_t, pid_t, off_t/loff_t (64-bit
    /// signed) and unsigned long/size_t. None of them runs: every verdict is ERRNO.
    /// </summary>
    private static readonly string[] Pool =
    {
        "lseek", "pread64", "mknodat", "fchownat", "fchmodat", "personality", "getrandom", "keyctl", "fcntl", "ioctl",
        "listen", "memfd_create", "socket", "sendto", "setsockopt", "timerfd_create", "waitid", "accept4", "epoll_pwait",
        "fadvise64", "readahead",
    };

    private readonly ITestOutputHelper _output;

    public KernelPolicyDifferentialTests(ITestOutputHelper output) => _output = output;

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("SECCOMP_DIFF_SEED"), out int s) ? s : 20240511;

    [Fact]
    public void RandomConditionalPoliciesDecideAsTheKernelDoes()
    {
        var total = Stopwatch.StartNew();
        var runtimeArch = SeccompLoader.CurrentArchitecture!.Value;
        var arch = (CoreArch)runtimeArch;
        var info = ArchInfo.Get(arch);
        var pool = Pool.Where(n => info.TryGetNumber(n, out _) && Signatures.Get(n, arch) is { Count: > 0 }).ToArray();
        var poolNrs = pool.Select(n => info.TryGetNumber(n, out int nr) ? nr : -1).ToArray();
        var rng = new Random(Seed);

        var jobs = new List<KernelJob>();
        var compiled = new List<(RandomPolicySpec Spec, SeccompProgram Program, ResolvedPolicy Resolved)>();
        int rulesTotal = 0, conditionalRules = 0;
        while (compiled.Count < Policies)
        {
            var spec = CreatePolicy(rng, pool, arch);
            var compilation = PolicyCompiler.Compile(spec.Model);
            if (compilation.HasErrors) continue;
            var cp = compilation.Program(arch);
            var program = new SeccompProgram(runtimeArch, cp.ToBytes());
            rulesTotal += spec.Model.Rules.Count;
            conditionalRules += spec.Model.Rules.Count(r => r.When != null);

            var probes = new List<(int, ulong[])>();
            for (int c = 0; c < CallsPerPolicy; c++)
            {
                string name = rng.Next(10) < 8 ? spec.Names[rng.Next(spec.Names.Count)] : pool[rng.Next(pool.Length)];
                probes.Add((info.TryGetNumber(name, out int nr) ? nr : throw new InvalidOperationException(name), Args(rng, name, arch, spec.Constants)));
            }
            // The guard lets the runtime's own calls on the job thread through; the policy decides the pool's calls.
            var installed = RandomBpfPrograms.Guarded(poolNrs, program.Instructions);
            jobs.Add(new KernelJob(BpfInstruction.ToBytes(installed), probes));
            compiled.Add((spec, program, cp.Resolved));
        }
        long generateMs = total.ElapsedMilliseconds;

        var run = KernelDifferential.Run(jobs, Array.Empty<int>());

        int calls = 0, byRule = 0, byDefault = 0, agreeReference = 0;
        var mismatches = new List<string>();
        var rulesSeen = new HashSet<(int, int)>();
        for (int j = 0; j < jobs.Count; j++)
        {
            var (spec, program, resolved) = compiled[j];
            for (int c = 0; c < jobs[j].Calls.Count; c++)
            {
                var (nr, args) = jobs[j].Calls[c];
                var interpreted = program.Run(nr, args);
                var reference = ReferenceEvaluator.Evaluate(resolved, info.AuditArch, (uint)nr, args);
                var expected = CallOutcome.Expected(interpreted, null);
                var actual = run.Results[j][c];
                calls++;
                bool referenceAgrees = reference.ToKernel() == interpreted.ToKernel();
                if (referenceAgrees) agreeReference++;
                if (interpreted.Data == spec.Model.DefaultAction.Data) byDefault++;
                else { byRule++; rulesSeen.Add((j, interpreted.Data)); }
                if ((expected != actual || !referenceAgrees) && mismatches.Count < 10)
                {
                    mismatches.Add($"policy {j}, {(info.TryGetName(nr, out var sname) ? sname : nr.ToString(CultureInfo.InvariantCulture))}({string.Join(", ", args.Select(a => "0x" + a.ToString("x", CultureInfo.InvariantCulture)))}): " +
                        $"kernel {actual}, interpreter {interpreted}, reference {reference}\n{RandomPolicies.ToSource(spec.Model, "P" + j)}");
                }
                else if (expected != actual || !referenceAgrees) mismatches.Add("");
            }
        }

        _output.WriteLine($"seed {Seed}: {compiled.Count} policies ({rulesTotal} rules, {conditionalRules} conditional), {calls} calls, all in one child ({run.Threads} threads)");
        _output.WriteLine($"decided by a rule: {byRule} calls ({rulesSeen.Count} distinct rules), by the default: {byDefault} calls");
        _output.WriteLine($"kernel == interpreter == reference: {calls - mismatches.Count} of {calls}; interpreter == reference: {agreeReference}");
        _output.WriteLine("syscalls: " + string.Join("; ", pool.Select(n => n + "(" + string.Join(", ", Signatures.Get(n, arch)!.Select(p => p.Type.CType)) + ")")));
        _output.WriteLine($"time: generate and compile {generateMs} ms, kernel side {run.KernelMilliseconds} ms, total {total.ElapsedMilliseconds} ms");
        _output.WriteLine($"mismatches: {mismatches.Count}");

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} calls differ; first:\n" + string.Join("\n\n", mismatches.Where(m => m.Length > 0)));
        Assert.True(calls >= 100_000, $"{calls} calls");
        Assert.Equal(0, run.Killed);
        Assert.True(byRule > calls / 10 && byDefault > calls / 10, "both rules and defaults decide a fair share of the calls");
    }

    private sealed record RandomPolicySpec(PolicyModel Model, IReadOnlyList<string> Names, IReadOnlyList<ulong> Constants);

    /// <summary>A random policy whose default and rules are all ERRNO, each with its own errno.</summary>
    private static RandomPolicySpec CreatePolicy(Random rng, string[] pool, CoreArch arch)
    {
        int count = rng.Next(1, 25);
        var errnos = Enumerable.Range(1, 4095).OrderBy(_ => rng.Next()).Take(count + 2).ToArray();
        var constants = new List<ulong>();
        var rules = new List<RuleModel>();
        for (int i = 0; i < count; i++)
        {
            string[] names;
            string? when = null;
            if (rng.Next(10) < 8)
            {
                names = new[] { pool[rng.Next(pool.Length)] };
                when = RandomPolicies.RandomCondition(rng, names[0], constants, depth: 3);
            }
            else
            {
                names = Enumerable.Range(0, rng.Next(1, 3)).Select(_ => pool[rng.Next(pool.Length)]).Distinct().ToArray();
            }
            rules.Add(new RuleModel(i, CoreVerdict.Errno(errnos[i]), EquatableArray.From(names), when));
        }
        var model = new PolicyModel(CoreVerdict.Errno(errnos[count]), CoreVerdict.Errno(errnos[count + 1]), PolicyModel.DefaultUnknownSyscallAction,
            EquatableArray.From(new[] { arch }), EquatableArray.From(rules));
        return new RandomPolicySpec(model, rules.SelectMany(r => r.Syscalls).Distinct().ToArray(), constants);
    }

    /// <summary>Arguments around the edges: 0, -1, sign bits, a set high word, the policy's constants and their neighbours.</summary>
    private static ulong[] Args(Random rng, string syscall, CoreArch arch, IReadOnlyList<ulong> constants)
    {
        var ps = Signatures.Get(syscall, arch)!;
        var args = new ulong[6];
        for (int i = 0; i < 6; i++)
        {
            var type = i < ps.Count ? ps[i].Type : new ArgType(64, false, false, "unsigned long");
            ulong v = rng.Next(8) switch
            {
                0 => RandomPolicies.Edges[rng.Next(RandomPolicies.Edges.Length)],
                1 or 2 or 3 when constants.Count > 0 => constants[rng.Next(constants.Count)] + (ulong)(rng.Next(3) - 1),
                4 => 1UL << rng.Next(64),
                5 => (ulong)rng.NextInt64() ^ ((ulong)rng.Next(2) << 63),
                _ => (ulong)rng.Next(-3, 64),
            };
            if (type.Bits == 32)
            {
                switch (rng.Next(4))
                {
                    case 0: v &= 0xffff_ffff; break;
                    // What a sign-extending caller passes for a negative int.
                    case 1: v = (ulong)(long)(int)(uint)v; break;
                    // The kernel passes whatever the register held: the high word can be anything.
                    case 2: v = (v & 0xffff_ffff) | ((ulong)(uint)rng.Next() << 32); break;
                }
            }
            args[i] = v;
        }
        return args;
    }
}
