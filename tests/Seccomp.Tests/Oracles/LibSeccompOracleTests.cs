using System;
using System.Collections.Generic;
using System.Linq;
using Seccomp.Compiler;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Policy;
using Seccomp.Tests.Oracles;
using Seccomp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Seccomp.Tests;

/// <summary>
/// libseccomp 2.5.4, compiling the same policies, as an independent oracle. Compared where the two models agree:
/// one action per syscall, calls with this architecture's numbers up to the table's end, and (since libseccomp
/// compares all 64 bits of every argument) zero high words for 32-bit arguments.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Oracle)]
public class LibSeccompOracleTests
{
    private readonly ITestOutputHelper _out;

    public LibSeccompOracleTests(ITestOutputHelper output) => _out = output;

    public static readonly TheoryData<SeccompArch> Archs = new() { SeccompArch.X86_64, SeccompArch.Aarch64, SeccompArch.Riscv64 };

    [Theory]
    [MemberData(nameof(Archs))]
    public void SyscallNumbersMatchLibseccompsResolver(SeccompArch runtimeArch)
    {
        var arch = (CoreArch)runtimeArch;
        var info = ArchInfo.Get(arch);
        // libseccomp 2.5.4 (2022) knows no call newer than it: the ones it may not resolve are the calls added after
        // 6.1, on every architecture (syscalls-after-6.1.tsv) or on this one only (uretprobe, uprobe, riscv_hwprobe).
        var after61 = new HashSet<string>(System.IO.File.ReadLines(Paths.Data("syscalls-after-6.1.tsv")).Skip(1).Select(l => l.Split('\t')[1]));
        after61.UnionWith(System.IO.File.ReadLines(Paths.Data("syscalls-arch-specific-after-6.1.tsv")).Skip(1)
            .Select(l => l.Split('\t')).Where(c => c[0] == info.Name).Select(c => c[2]));
        int compared = 0;
        foreach (var (name, nr) in info.Syscalls)
        {
            int theirs = LibSeccomp.ResolveSyscall(info.AuditArch, name);
            if (theirs < 0)
            {
                Assert.Contains(name, after61);
                continue;
            }
            Assert.True(theirs == nr, $"{name} on {arch}: ours {nr}, libseccomp {theirs}");
            compared++;
        }
        _out.WriteLine($"{compared} numbers compared on {arch}");
        Assert.True(compared >= 290, $"only {compared} compared");
    }

    [Theory]
    [MemberData(nameof(Archs))]
    public void RandomPoliciesGiveLibseccompsVerdicts(SeccompArch runtimeArch)
    {
        var arch = (CoreArch)runtimeArch;
        var rng = new Random((int)arch + 17);
        var info = ArchInfo.Get(arch);
        int vectors = 0;
        for (int p = 0; p < 60; p++)
        {
            var policy = OraclePolicy(rng, arch);
            var ours = PropertyTests.CompileProgram(policy, arch);
            var rules = AttributeModel.ToLibSeccomp(policy, arch)!;
            var theirs = new SeccompProgram((SeccompArch)arch,
                LibSeccomp.Compile(info.AuditArch, policy.DefaultAction.ToKernel(), rules, policy.BadArchAction.ToKernel()));
            var resolved = PolicyCompiler.Compile(policy).Program(arch).Resolved;
            var names = policy.Rules.SelectMany(r => r.Syscalls).ToArray();
            for (int v = 0; v < 300; v++)
            {
                int nr = rng.Next(3) > 0 ? (info.TryGetNumber(names[rng.Next(names.Length)], out int n) ? n : 0) : rng.Next(0, info.MaxSyscall + 1);
                var args = OracleArgs(rng, nr, resolved);
                var a = ours.Run(nr, args);
                var b = theirs.Run(nr, args);
                Assert.True(a == b, $"nr {nr} args [{string.Join(",", args.Select(x => "0x" + x.ToString("x")))}]: ours {a}, libseccomp {b}\n{RandomPolicies.ToSource(policy, "P")}");
                vectors++;
            }
        }
        _out.WriteLine($"{vectors} vectors agreed with libseccomp on {arch}");
    }

    /// <summary>One rule per syscall, each unconditional or a condition libseccomp can express.</summary>
    private static PolicyModel OraclePolicy(Random rng, CoreArch arch)
    {
        var pool = RandomPolicies.Pool.OrderBy(_ => rng.Next()).Take(rng.Next(3, 25)).ToArray();
        var rules = new List<RuleModel>();
        CoreVerdict defaultAction;
        do defaultAction = RandomPolicies.RandomVerdict(rng); while (defaultAction.Action == CoreAction.Trap && defaultAction.Data != 0);
        foreach (var name in pool)
        {
            CoreVerdict action;
            // libseccomp takes no data with TRAP.
            do action = RandomPolicies.RandomVerdict(rng);
            while (action == defaultAction || action.Action == CoreAction.Trap && action.Data != 0);
            string? when = null;
            var ps = Signatures.Get(name, arch)!.Where(x => !x.Type.Pointer).ToArray();
            if (ps.Length > 0 && rng.Next(2) == 0)
            {
                var chosen = ps.OrderBy(_ => rng.Next()).Take(rng.Next(1, Math.Min(3, ps.Length) + 1)).ToArray();
                var terms = chosen.Select(x => Term(rng, x)).ToArray();
                when = string.Join(rng.Next(2) == 0 ? " && " : " || ", terms);
            }
            rules.Add(new RuleModel(rules.Count, action, EquatableArray.From(new[] { name }), when));
        }
        return new PolicyModel(defaultAction, CoreVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
            EquatableArray.From(new[] { arch }), EquatableArray.From(rules));
    }

    private static string Term(Random rng, Parameter p)
    {
        // argN is register slot N: a prototype that names slot 1 'arg2' (prctl, keyctl) is written by its slot.
        string name = p.Name.StartsWith("arg", StringComparison.Ordinal) && p.Name.Length == 4 ? "arg" + p.Index : p.Name;
        ulong v = RandomPolicies.Edges[rng.Next(RandomPolicies.Edges.Length)] & p.Type.WidthMask;
        if (rng.Next(2) == 0) v = (ulong)rng.Next(0, 100);
        switch (rng.Next(p.Type.Signed ? 3 : 5))
        {
            case 0: return $"{name} == 0x{v:x}";
            case 1: return $"{name} != 0x{v:x}";
            case 2:
                ulong m = RandomPolicies.Edges[rng.Next(RandomPolicies.Edges.Length)] & p.Type.WidthMask | (uint)rng.Next(1, 256);
                return $"({name} & 0x{m:x}) == 0x{v & m:x}";
            case 3: return $"{name} {(rng.Next(2) == 0 ? "<" : ">=")} 0x{v:x}";
            default: return $"{name} {(rng.Next(2) == 0 ? "<=" : ">")} 0x{v:x}";
        }
    }

    /// <summary>Arguments near the policy's constants, with zero high words on 32-bit arguments.</summary>
    private static ulong[] OracleArgs(Random rng, int nr, ResolvedPolicy resolved)
    {
        var constants = new List<ulong>();
        void Collect(Condition c)
        {
            switch (c)
            {
                case CompareCondition cc: constants.Add(cc.Value); constants.Add(cc.Mask); break;
                case AndCondition a: Collect(a.Left); Collect(a.Right); break;
                case OrCondition o: Collect(o.Left); Collect(o.Right); break;
                case NotCondition n: Collect(n.Operand); break;
            }
        }
        foreach (var r in resolved.RulesFor(nr)) if (r.Condition != null) Collect(r.Condition);
        var args = new ulong[6];
        for (int i = 0; i < 6; i++)
        {
            ulong v = constants.Count > 0 && rng.Next(3) > 0
                ? constants[rng.Next(constants.Count)] + (ulong)(rng.Next(3) - 1)
                : RandomPolicies.Edges[rng.Next(RandomPolicies.Edges.Length)];
            args[i] = v;
        }
        // Clear the bits above a 32- or 16-bit argument: libseccomp compares 64 bits where the kernel's ABI gives fewer.
        foreach (var r in resolved.RulesFor(nr))
            if (r.Condition != null) Zero32(r.Condition, args);
        return args;
    }

    private static void Zero32(Condition c, ulong[] args)
    {
        switch (c)
        {
            case CompareCondition cc when cc.Type.Bits < 64: args[cc.Arg] &= cc.Type.WidthMask; break;
            case AndCondition a: Zero32(a.Left, args); Zero32(a.Right, args); break;
            case OrCondition o: Zero32(o.Left, args); Zero32(o.Right, args); break;
            case NotCondition n: Zero32(n.Operand, args); break;
        }
    }

    [Fact]
    public void DockerDefaultProfileMatchesLibseccompAndIsSmallerAndFaster()
    {
        var model = AttributeModel.FromType(typeof(Seccomp.Tests.Policies.DockerDefaultPolicy));
        var info = ArchInfo.Get(CoreArch.X86_64);
        var ours = Seccomp.Tests.Policies.DockerDefaultPolicy.GetProgram(SeccompArch.X86_64);
        SeccompProgram Theirs(int optimize) => new(SeccompArch.X86_64, LibSeccomp.Compile(info.AuditArch, model.DefaultAction.ToKernel(),
            AttributeModel.ToLibSeccomp(model, CoreArch.X86_64)!, model.BadArchAction.ToKernel(), AttributeModel.ExtraSyscalls(CoreArch.X86_64), optimize));
        var theirs = Theirs(1);
        var theirs2 = Theirs(2);

        var rng = new Random(3);
        for (int nr = 0; nr <= info.MaxSyscall; nr++)
        {
            for (int k = 0; k < 8; k++)
            {
                // Non-negative 32-bit values: where int comparisons (ours) and 64-bit unsigned ones (libseccomp) agree.
                var args = k == 0 ? new ulong[6] : Enumerable.Range(0, 6).Select(_ => (ulong)(rng.Next(3) == 0 ? rng.Next(0, 64) : rng.Next())).ToArray();
                var data = new SeccompData(nr, info.AuditArch, 0, args);
                var a = ours.Run(data, out _);
                Assert.True(a == theirs.Run(data, out _), $"nr {nr}: ours {a}, libseccomp {theirs.Run(data, out _)}");
                Assert.True(a == theirs2.Run(data, out _), $"nr {nr}: ours {a}, libseccomp -O2 {theirs2.Run(data, out _)}");
            }
        }

        var mix = AspNetMix(info);
        var o = Figures(ours, info, mix);
        var t1 = Figures(theirs, info, mix);
        var t2 = Figures(theirs2, info, mix);
        _out.WriteLine($"Docker default profile, x86_64, executed instructions per call (zero arguments): weighted by the ASP.NET mix"
            + $" (data/aspnetcore-mix-x86_64.tsv) / mean over syscalls 0..{info.MaxSyscall} / program size");
        _out.WriteLine($"  Seccomp.Generators    {o.Weighted,6:F2} {o.Uniform,6:F2} {ours.Count,4}");
        _out.WriteLine($"  libseccomp 2.5.4 -O1  {t1.Weighted,6:F2} {t1.Uniform,6:F2} {theirs.Count,4}");
        _out.WriteLine($"  libseccomp 2.5.4 -O2  {t2.Weighted,6:F2} {t2.Uniform,6:F2} {theirs2.Count,4}");

        // Issue 13: the hot calls first, the rest no worse than a uniform tree by much, and no larger than needed.
        Assert.True(o.Weighted <= 8, $"weighted by the ASP.NET mix: {o.Weighted:F2} > 8");
        Assert.True(o.Uniform <= 11, $"mean over every number: {o.Uniform:F2} > 11");
        Assert.True(ours.Count <= 300, $"{ours.Count} instructions > 300");
        Assert.True(ours.Count < theirs.Count && ours.Count < theirs2.Count, $"ours {ours.Count} vs libseccomp {theirs.Count} / {theirs2.Count}");
        Assert.True(o.Uniform < t1.Uniform && o.Uniform < t2.Uniform);
        Assert.True(o.Weighted < t1.Weighted && o.Weighted < t2.Weighted);

        // Every call the policy allows whatever its arguments stays in the kernel's action cache.
        var resolved = PolicyCompiler.Compile(model).Program(CoreArch.X86_64).Resolved;
        int cacheable = 0;
        for (int nr = 0; nr <= info.MaxSyscall; nr++)
        {
            bool argumentFree = resolved.RulesFor(nr).All(r => r.Condition == null);
            var verdict = ReferenceEvaluator.Evaluate(resolved, info.AuditArch, (uint)nr, new ulong[6]);
            if (!argumentFree || verdict.Action != CoreAction.Allow) continue;
            Assert.True(KernelCacheEmulator.IsConstAllow(ours.Code(), info.AuditArch, (uint)nr), $"nr {nr} is not cacheable");
            cacheable++;
        }
        _out.WriteLine($"  {cacheable} argument-independent allowed calls, every one cacheable by the kernel");
    }

    /// <summary>The steady-state ASP.NET Core mix measured with perf (data/aspnetcore-mix-x86_64.tsv): number -> share.</summary>
    private static Dictionary<int, double> AspNetMix(ArchInfo info)
    {
        var counts = new Dictionary<int, double>();
        foreach (var line in System.IO.File.ReadLines(Paths.Data("aspnetcore-mix-x86_64.tsv")).Skip(1))
        {
            var c = line.Split('\t');
            if (info.TryGetNumber(c[0], out int nr) && double.Parse(c[1], System.Globalization.CultureInfo.InvariantCulture) is var n && n > 0)
                counts[nr] = n;
        }
        double sum = counts.Values.Sum();
        return counts.ToDictionary(kv => kv.Key, kv => kv.Value / sum);
    }

    private static (double Weighted, double Uniform) Figures(SeccompProgram program, ArchInfo info, Dictionary<int, double> mix)
    {
        int Executed(int nr) { program.Run(new SeccompData(nr, info.AuditArch, 0, new ulong[6]), out int n); return n; }
        double weighted = mix.Sum(kv => kv.Value * Executed(kv.Key));
        double uniform = Enumerable.Range(0, info.MaxSyscall + 1).Average(Executed);
        return (weighted, uniform);
    }
}
