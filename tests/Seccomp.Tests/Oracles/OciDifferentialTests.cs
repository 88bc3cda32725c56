using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Seccomp.Compiler;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Containers;
using Seccomp.Compiler.Policy;
using Seccomp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Seccomp.Tests.Oracles;

/// <summary>
/// The OCI export is exact: each exported profile, read back as JSON and loaded into libseccomp 2.5.4 the way runc
/// loads it (OciRuncLoader), decides every call as the generated program does, on at least 100,000 calls per
/// architecture with random and boundary arguments (high words included) for Docker's default profile, the
/// repository's policies and 200 random conditional policies.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Oracle)]
public class OciDifferentialTests
{
    private const int VectorsPerArch = 100_000;
    private static readonly CoreArch[] s_archs = { CoreArch.X86_64, CoreArch.Aarch64, CoreArch.Riscv64 };
    private readonly ITestOutputHelper _out;

    public OciDifferentialTests(ITestOutputHelper output) => _out = output;

    [Fact]
    public void DockerDefaultProfileExportsExactly()
    {
        var model = AttributeModel.FromType(typeof(Seccomp.Tests.Policies.DockerDefaultPolicy));
        var rng = new Random(22);
        var (vectors, skipped, entries) = Compare(model, CoreArch.X86_64, VectorsPerArch, rng);
        _out.WriteLine($"Docker default, x86_64: {vectors} vectors agree ({skipped} on names libseccomp 2.5.4 does not know skipped), {entries} entries");
        Assert.True(vectors >= VectorsPerArch);
    }

    [Fact]
    public void RepositoryPoliciesExportExactly()
    {
        var models = RepositoryPolicies().ToList();
        Assert.True(models.Count >= 20, $"only {models.Count} policies found");
        var rng = new Random(2201);
        foreach (var arch in s_archs)
        {
            var here = models.Where(m => m.Model.Architectures.Contains(arch)).ToList();
            int per = VectorsPerArch / here.Count + 1, total = 0;
            var refused = new HashSet<string>();
            foreach (var (name, declared) in here)
            {
                // TRAP's value and NOTIFY have no exact OCI form (the export says so, WhatNoProfileCanSay...); SELF_PID
                // neither: such a policy must be refused for that reason alone.
                var model = Exportable(declared);
                var problems = Problems(PolicyCompiler.Compile(model), arch);
                uint? selfPid = null;
                if (problems.Count > 0)
                {
                    // Refused without the pid; exact with it. The program as built holds the placeholder pid, so that is
                    // the pid given here: the profile then compares with what the program compares with.
                    Assert.All(problems, p => Assert.Contains("SELF_PID", p.Reason));
                    refused.Add(name);
                    selfPid = CompareCondition.SelfPidPlaceholder;
                }
                var (vectors, _, _) = Compare(model, arch, per, rng, name, selfPid);
                total += vectors;
            }
            _out.WriteLine($"{here.Count} repository policies on {arch}: {total} vectors agree; {refused.Count} of them exported with the pid SELF_PID stands for given ({string.Join(", ", refused)})");
            Assert.True(total >= VectorsPerArch);
        }
    }

    [Fact]
    public void RandomConditionalPoliciesExportExactly()
    {
        var rng = new Random(220);
        var totals = new Dictionary<CoreArch, int>();
        int policies = 0, attempts = 0, tooLarge = 0;
        while (policies < 200)
        {
            attempts++;
            var policy = RandomPolicies.Create(rng, "P", conditions: true, archs: s_archs, maxRules: 20);
            var model = Exportable(policy.Model);
            var compilation = PolicyCompiler.Compile(model);
            if (compilation.HasErrors || !model.Rules.Any(r => r.When != null)) continue;
            // The generator's conditions are adversarial (masks of 30 random bits, != on 32-bit arguments, nested
            // negations); a policy whose exact profile needs more entries than a runtime loads well is refused, and
            // refused for that reason only.
            var refusals = s_archs.SelectMany(a => Problems(compilation, a)).ToList();
            if (refusals.Count > 0)
            {
                Assert.All(refusals, p => Assert.Contains("entries", p.Reason));
                tooLarge++;
                continue;
            }
            policies++;
            foreach (var arch in s_archs)
            {
                var (vectors, _, _) = Compare(model, arch, VectorsPerArch / 200 + 1, rng, policy.Source);
                totals[arch] = totals.GetValueOrDefault(arch) + vectors;
            }
        }
        _out.WriteLine($"{attempts} random policies generated: {policies} conditional ones exported, {tooLarge} refused as too large, the rest had no condition or an error");
        foreach (var arch in s_archs)
        {
            _out.WriteLine($"200 random conditional policies on {arch}: {totals[arch]} vectors agree");
            Assert.True(totals[arch] >= VectorsPerArch);
        }
        // Measured: 119 of 319 (seed 220) with the 256-entry limit; the bound only catches a lowering that got worse.
        Assert.True(tooLarge < policies, $"{tooLarge} of {policies + tooLarge} refused as too large");
    }

    private static List<OciProblem> Problems(PolicyCompilation compilation, CoreArch arch)
    {
        var problems = new List<OciProblem>();
        OciLowering.Lower(compilation, new[] { arch }, false, false, problems);
        return problems;
    }

    [Fact]
    public void ArgumentRangesBecomeExactEntriesWithOneConditionPerArgument()
    {
        // 10 <= fd <= 20 on a 32-bit int: runc would OR two conditions on arg0, so the range becomes masked blocks.
        var model = Model(CoreVerdict.Errno(1), new RuleModel(0, CoreVerdict.Allow, EquatableArray.From(new[] { "close" }), "fd >= 10 && fd <= 20"),
            new RuleModel(1, CoreVerdict.Errno(1), EquatableArray.From(new[] { "read" }), "fd == 3"),
            new RuleModel(2, CoreVerdict.Allow, EquatableArray.From(new[] { "read" }), null));
        var problems = new List<OciProblem>();
        var profile = OciLowering.Lower(PolicyCompiler.Compile(model), new[] { CoreArch.X86_64 }, false, false, problems);
        Assert.Empty(problems);
        var close = profile.Syscalls.Where(s => s.Names.Contains("close")).ToList();
        Assert.All(close, s => Assert.Single(s.Args));
        Assert.All(close, s => Assert.Equal(OciArg.MaskedEq, s.Args[0].Op));
        Assert.Equal(new ulong[] { 10, 12, 16, 20 }, close.Select(s => s.Args[0].ValueTwo).OrderBy(v => v));
        // The EPERM deny equals the default: it is no entry at all, and read's ALLOW leaves fd 3 out (the low word only).
        // (fd & 0xffffffff) != 3 has no single condition (SCMP_CMP_NE would read the high word): 32 masked patterns.
        var read = profile.Syscalls.Where(s => s.Names.Contains("read")).ToList();
        Assert.Equal(32, read.Count);
        Assert.All(read, s => Assert.Equal(CoreVerdict.Allow, s.Action));
        Assert.DoesNotContain(profile.Syscalls, s => s.Action == CoreVerdict.Errno(1) && s.Names.Contains("read"));
        Compare(model, CoreArch.X86_64, 20_000, new Random(5));
    }

    [Fact]
    public void WhatNoProfileCanSayIsAProblemNamingTheRule()
    {
        var model = Model(CoreVerdict.Errno(1), new RuleModel(0, CoreVerdict.Allow, EquatableArray.From(new[] { "read" }), null),
            new RuleModel(1, CoreVerdict.Of(CoreAction.Trap, 7), EquatableArray.From(new[] { "ptrace" }), null),
            new RuleModel(2, CoreVerdict.Allow, EquatableArray.From(new[] { "kill" }), "pid == SELF_PID"));
        var problems = new List<OciProblem>();
        var profile = OciLowering.Lower(PolicyCompiler.Compile(model), new[] { CoreArch.X86_64 }, false, true, problems);
        Assert.Contains(problems, p => p.RuleIndex == 1 && p.Syscall == "ptrace" && p.Reason.Contains("TRAP(7)"));
        Assert.Contains(problems, p => p.RuleIndex == 2 && p.Syscall == "kill" && p.Reason.Contains("SELF_PID"));
        // The stricter form: TRAP without its value; kill gets the default (denied), never allowed.
        Assert.Contains(profile.Syscalls, s => s.Names.Contains("ptrace") && s.Action == new CoreVerdict(CoreAction.Trap, 0));
        Assert.DoesNotContain(profile.Syscalls, s => s.Names.Contains("kill"));
    }

    [Fact]
    public void TheLastCallIsNamedSoRuncsEnosysStubMatchesUnknownSyscalls()
    {
        var model = Model(CoreVerdict.Errno(1), new RuleModel(0, CoreVerdict.Allow, EquatableArray.From(new[] { "read" }), null));
        var profile = OciLowering.Lower(PolicyCompiler.Compile(model), new[] { CoreArch.X86_64 }, false, false, new List<OciProblem>());
        var info = ArchInfo.Get(CoreArch.X86_64);
        Assert.True(info.TryGetName(info.MaxSyscall, out var last));
        Assert.Contains(profile.Syscalls, s => s.Names.Contains(last) && s.Action == CoreVerdict.Errno(1));
    }

    private static PolicyModel Model(CoreVerdict defaultAction, params RuleModel[] rules) =>
        new(defaultAction, CoreVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction, EquatableArray.From(new[] { CoreArch.X86_64 }), EquatableArray.From(rules));

    /// <summary>Actions every OCI runtime takes exactly: TRAP without a value, no NOTIFY (a runtime's listener, not ours).</summary>
    private static PolicyModel Exportable(PolicyModel model)
    {
        static CoreVerdict Fix(CoreVerdict v) => v.Action switch
        {
            CoreAction.Trap => new CoreVerdict(CoreAction.Trap, 0),
            CoreAction.Notify => CoreVerdict.Of(CoreAction.Trace, 3),
            _ => v,
        };
        return model with
        {
            DefaultAction = Fix(model.DefaultAction),
            Rules = EquatableArray.From(model.Rules.Select(r => r with { Action = Fix(r.Action) }).ToArray()),
        };
    }

    /// <summary>Every policy class of the test programs and the samples.</summary>
    private static IEnumerable<(string Name, PolicyModel Model)> RepositoryPolicies()
    {
        foreach (var t in typeof(Seccomp.Tests.Policies.DockerDefaultPolicy).Assembly.GetTypes().Where(t => t.GetCustomAttribute<SeccompPolicyAttribute>() != null))
            yield return (t.FullName!, AttributeModel.FromType(t));
        foreach (var file in new[] { "samples/WebService/WebSandbox.cs", "samples/SandboxedService/ServiceSandbox.cs" })
        {
            var asm = GeneratorHarness.CompileAndLoad(File.ReadAllText(Path.Combine(Paths.Repo, file)));
            foreach (var t in asm.GetTypes().Where(t => t.GetCustomAttribute<SeccompPolicyAttribute>() != null))
                yield return (t.FullName!, AttributeModel.FromType(t));
        }
    }

    /// <summary>
    /// Exports <paramref name="model"/> for one architecture, loads the JSON as runc does, and compares verdicts on
    /// <paramref name="count"/> calls numbered within the table (numbers above it are runc's -ENOSYS stub's).
    /// </summary>
    internal static (int Vectors, int Skipped, int Entries) Compare(PolicyModel model, CoreArch arch, int count, Random rng, string? what = null, uint? selfPid = null)
    {
        var compilation = PolicyCompiler.Compile(model);
        Assert.False(compilation.HasErrors, string.Join("; ", compilation.Errors.Select(e => e.Message)));
        var problems = new List<OciProblem>();
        var profile = OciLowering.Lower(compilation, new[] { arch }, false, false, problems, selfPid);
        Assert.True(problems.Count == 0, $"{what}: {string.Join("; ", problems.Select(p => p.Reason))}");
        string json = OciJson.Write(profile);
        // libseccomp 2.5.4 can spin forever building some filters (64-bit SCMP_CMP_GE/LE rules, which the exporter
        // therefore never writes): a profile that does so fails here instead of hanging the run.
        var load = System.Threading.Tasks.Task.Run(() => new OciRuncLoader(json, arch));
        Assert.True(load.Wait(TimeSpan.FromSeconds(60)), $"{what} on {arch}: libseccomp did not build runc's filter within 60 s\n{json}");
        var runc = load.Result;
        var ours = new SeccompProgram((SeccompArch)arch, compilation.Program(arch).ToBytes());
        var resolved = compilation.Program(arch).Resolved;
        var info = resolved.Arch;
        var numbers = resolved.RulesBySyscall.Keys.ToArray();
        int vectors = 0, skipped = 0;
        while (vectors < count)
        {
            int nr = numbers.Length > 0 && rng.Next(4) > 0 ? numbers[rng.Next(numbers.Length)] : rng.Next(0, info.MaxSyscall + 1);
            if (info.TryGetName(nr, out var name) && runc.Ignored.Contains(name)) { skipped++; if (skipped > 50 * count) break; continue; }
            var args = Arguments(rng, resolved.RulesFor(nr));
            var a = ours.Run(nr, args);
            var b = runc.Program.Run(nr, args);
            Assert.True(a == b, $"{what} on {arch}: {name} ({nr}) [{string.Join(", ", args.Select(x => "0x" + x.ToString("x")))}]: program {a}, runc's libseccomp filter {b}\n{json}");
            vectors++;
        }
        return (vectors, skipped, profile.Syscalls.Count);
    }

    /// <summary>Values at and beside the call's constants and masks, with random or extreme high words, and edges.</summary>
    private static ulong[] Arguments(Random rng, IReadOnlyList<ResolvedRule> rules)
    {
        var constants = new List<ulong>();
        void Collect(Condition c)
        {
            switch (c)
            {
                case CompareCondition cc: constants.Add(cc.Value); constants.Add(cc.Mask); constants.Add(cc.Value & cc.Mask); break;
                case AndCondition a: Collect(a.Left); Collect(a.Right); break;
                case OrCondition o: Collect(o.Left); Collect(o.Right); break;
                case NotCondition n: Collect(n.Operand); break;
            }
        }
        foreach (var r in rules) if (r.Condition != null) Collect(r.Condition);
        var args = new ulong[6];
        for (int i = 0; i < 6; i++)
        {
            ulong v = rng.Next(5) switch
            {
                0 or 1 when constants.Count > 0 => constants[rng.Next(constants.Count)] + (ulong)(rng.Next(3) - 1),
                2 => RandomPolicies.Edges[rng.Next(RandomPolicies.Edges.Length)],
                3 => (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 40),
                _ => (ulong)rng.Next(0, 64),
            };
            // The high word of a 32-bit argument: kept, all ones (sign extension) or random.
            switch (rng.Next(4))
            {
                case 0: v = (uint)v; break;
                case 1: v = (uint)v | 0xffff_ffff_0000_0000; break;
                case 2: v = (uint)v | ((ulong)(uint)rng.Next() << 32); break;
            }
            args[i] = v;
        }
        return args;
    }
}
