using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Seccomp.Compiler;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Diagnostics;
using Seccomp.Compiler.Policy;
using Seccomp.Tests.Oracles;
using Seccomp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Seccomp.Tests;

/// <summary>
/// Issue 23, item 5: the architectures this machine cannot run (arm, ppc64le, s390x), checked without their hardware.
/// libseccomp 2.5.4 builds the same policy for that architecture (seccomp_arch_add, seccomp_export_bpf: the program
/// its kernel would load, in its byte order); both programs then run in the interpreter on the same seccomp_data, as
/// that kernel fills it, and must give the same verdict, which the reference evaluator must give too. Three sets of
/// policies, at least 100,000 calls compared with libseccomp each per architecture (and more with the reference
/// evaluator alone, below): Docker's default profile, the repository's policies (the
/// test child's, every one that libseccomp can express) and 200 random conditional policies. loongarch64 is not
/// here: libseccomp 2.5.4 does not know it; ArchitectureTests and the table tests check it against the reference
/// evaluator and the kernel's own table.
///
/// Where the two disagree by design, the kernel's source decides and the calls are compared with the reference
/// evaluator only:
/// - socketcall and ipc (ppc64le, s390x): libseccomp 2.5.4, given a rule by name on a filter of that one
///   architecture, leaves the multiplexed form to the default even when the rule is unconditional (observed:
///   socketcall(SYS_SOCKET) under [Allow("socket")]), while net/socket.c runs the same sys_socket for it. Ours follows
///   issue 23: an unconditional rule covers that form, an allowance with a condition does not (the arguments are
///   behind a pointer), a denial with one covers all of it; ArchitectureTests checks each case.
/// - calls whose condition names an argument the filter cannot see there (SECC0039: s390x's mmap, which is
///   sys_old_mmap with one pointer; arm's register pairs): libseccomp compares registers that do not hold that
///   argument.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Oracle)]
public class ForeignArchitectureOracleTests
{
    private readonly ITestOutputHelper _out;

    public ForeignArchitectureOracleTests(ITestOutputHelper output) => _out = output;

    public static readonly TheoryData<SeccompArch> Archs = new() { SeccompArch.Arm, SeccompArch.Ppc64le, SeccompArch.S390x };

    private const int CallsPerSet = 100_000;

    [Theory]
    [MemberData(nameof(Archs))]
    public void SyscallNumbersMatchLibseccompsResolver(SeccompArch runtimeArch)
    {
        var info = ArchInfo.Get((CoreArch)runtimeArch);
        var after61 = new HashSet<string>(System.IO.File.ReadLines(Paths.Data("syscalls-after-6.1.tsv")).Skip(1).Select(l => l.Split('\t')[1]));
        after61.UnionWith(System.IO.File.ReadLines(Paths.Data("syscalls-arch-specific-after-6.1.tsv")).Skip(1)
            .Select(l => l.Split('\t')).Where(c => c[0] == info.Name).Select(c => c[2]));
        int compared = 0, pseudo = 0;
        var unknown = new List<string>();
        foreach (var (name, nr) in info.Syscalls)
        {
            int theirs = LibSeccomp.ResolveSyscall(info.AuditArch, name);
            // libseccomp names the socket and IPC calls of ppc64le and s390x by pseudo numbers (below -1), which its
            // rule_add turns into the direct call and the multiplexed form.
            if (theirs < -1 && Multiplexers.SubCall(name) != null) { pseudo++; continue; }
            if (theirs < 0) { unknown.Add(name); continue; }
            Assert.True(theirs == nr, $"{name} on {info.Name}: ours {nr}, libseccomp {theirs}");
            compared++;
        }
        // libseccomp 2.5.4 (2022) predates the calls added after 6.1.
        Assert.All(unknown, n => Assert.True(after61.Contains(n) || info.TryGetNumber(n, out int x) && x >= ArchInfo.ArmPrivateBase,
            $"{n} is unknown to libseccomp on {info.Name}"));
        _out.WriteLine($"{compared} numbers compared on {info.Name}, {pseudo} socket/IPC calls by libseccomp's pseudo numbers; unknown to libseccomp: {string.Join(", ", unknown)}");
        Assert.True(compared >= 330, $"only {compared} compared");
    }

    [Theory]
    [MemberData(nameof(Archs))]
    public void DockersDefaultProfileGivesLibseccompsVerdicts(SeccompArch runtimeArch)
    {
        var arch = (CoreArch)runtimeArch;
        var model = OnlyNamesOf(AttributeModel.FromType(typeof(Seccomp.Tests.Policies.DockerDefaultPolicy)), arch);
        var stats = Compare(model, arch, new Random(23 + (int)arch), CallsPerSet);
        _out.WriteLine($"Docker's default profile on {ArchInfo.Get(arch).Name}: {stats}");
        Assert.True(stats.Libseccomp >= CallsPerSet);
    }

    [Theory]
    [MemberData(nameof(Archs))]
    public void TheRepositorysPoliciesGiveLibseccompsVerdicts(SeccompArch runtimeArch)
    {
        var arch = (CoreArch)runtimeArch;
        var types = typeof(Seccomp.Tests.Policies.DockerDefaultPolicy).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<SeccompPolicyAttribute>() != null && t != typeof(Seccomp.Tests.Policies.DockerDefaultPolicy))
            .OrderBy(t => t.FullName, StringComparer.Ordinal).ToList();
        var models = new List<(string Name, PolicyModel Model)>();
        foreach (var t in types)
        {
            var m = OnlyNamesOf(AttributeModel.FromType(t), arch);
            // libseccomp takes no data with TRAP; a condition it cannot express leaves the policy out.
            if (m.Rules.Any(r => r.Action.Action == CoreAction.Trap && r.Action.Data != 0)) continue;
            if (PolicyCompiler.Compile(m).HasErrors || AttributeModel.ToLibSeccomp(m, arch) == null) continue;
            models.Add((t.Name, m));
        }
        Assert.True(models.Count >= 10, $"only {models.Count} policies");
        var rng = new Random(230 + (int)arch);
        var total = new Stats();
        foreach (var (name, m) in models)
            total.Add(Compare(m, arch, rng, CallsPerSet / models.Count + 1));
        _out.WriteLine($"{models.Count} policies of the repository on {ArchInfo.Get(arch).Name}: {total}");
        Assert.True(total.Libseccomp >= CallsPerSet);
    }

    [Theory]
    [MemberData(nameof(Archs))]
    public void RandomConditionalPoliciesGiveLibseccompsVerdicts(SeccompArch runtimeArch)
    {
        var arch = (CoreArch)runtimeArch;
        var rng = new Random(2300 + (int)arch);
        var total = new Stats();
        for (int p = 0; p < 200; p++)
            total.Add(Compare(RandomPolicy(rng, arch), arch, rng, CallsPerSet / 200));
        _out.WriteLine($"200 random conditional policies on {ArchInfo.Get(arch).Name}: {total}");
        Assert.True(total.Libseccomp >= CallsPerSet);
    }

    /// <summary>The policy for <paramref name="arch"/> alone, with the names that exist there (Docker's profile was
    /// imported for x86_64; a name unknown on every target architecture is an error).</summary>
    private static PolicyModel OnlyNamesOf(PolicyModel model, CoreArch arch)
    {
        var info = ArchInfo.Get(arch);
        var rules = model.Rules
            .Select(r => r with { Syscalls = EquatableArray.From(r.Syscalls.Where(n => n.StartsWith("@", StringComparison.Ordinal) || info.TryGetNumber(n, out _)).ToArray()) })
            .Where(r => r.Syscalls.Count > 0).Select((r, i) => r with { Index = i }).ToArray();
        return model with { Architectures = EquatableArray.From(new[] { arch }), Rules = EquatableArray.From(rules) };
    }

    /// <summary>Calls compared with libseccomp, and those compared with the reference evaluator only (and why).</summary>
    private sealed class Stats
    {
        public int Calls, Libseccomp, Multiplexed, NotComparable, Unknown;
        public void Add(Stats s) { Calls += s.Calls; Libseccomp += s.Libseccomp; Multiplexed += s.Multiplexed; NotComparable += s.NotComparable; Unknown += s.Unknown; }
        public override string ToString() =>
            $"{Calls} calls, {Libseccomp} with libseccomp's verdict, reference evaluator only: {Multiplexed} through socketcall/ipc, "
            + $"{NotComparable} with an argument the filter cannot see, {Unknown} unknown numbers or calls newer than libseccomp";
    }

    private static Stats Compare(PolicyModel model, CoreArch arch, Random rng, int calls)
    {
        var info = ArchInfo.Get(arch);
        var compilation = PolicyCompiler.Compile(model);
        Assert.False(compilation.HasErrors, string.Join("; ", compilation.Errors.Select(e => e.Message)));
        var compiled = compilation.Program(arch);
        var ours = new SeccompProgram((SeccompArch)arch, compiled.ToBytes());
        var resolved = compiled.Resolved;

        // libseccomp's rules, without the calls it does not know (added after its release): those numbers keep the
        // default there, and are compared with the reference evaluator only.
        var rules = AttributeModel.ToLibSeccomp(model, arch)!;
        var unknownToIt = new HashSet<int>();
        foreach (var r in rules.Where(r => LibSeccomp.ResolveSyscall(info.AuditArch, r.Syscall) < 0))
            unknownToIt.Add(info.TryGetNumber(r.Syscall, out int n) ? n : -1);
        rules = rules.Where(r => LibSeccomp.ResolveSyscall(info.AuditArch, r.Syscall) >= 0).ToList();
        var exported = LibSeccomp.Compile(info.AuditArch, model.DefaultAction.ToKernel(), rules, model.BadArchAction.ToKernel());
        var theirs = new SeccompProgram((SeccompArch)arch, info.BigEndian ? MendCrossExport(exported) : exported);

        var (_, notComparable) = Differences(model, info);
        // socketcall and ipc: compared with the reference evaluator only. Besides the conditional rules (class
        // comment), libseccomp 2.5.4 as driven here (a rule by name on a filter of that one architecture) puts no
        // multiplexed form in the filter even for an unconditional rule: socketcall(SYS_SOCKET) gets its default under
        // [Allow("socket")] (observed on ppc64le). net/socket.c runs sys_socket for it all the same, so ours lets it
        // through, as issue 23 asks; a conditional allowance does not (ArchitectureTests).
        var multiplexedByDesign = new HashSet<int>(Multiplexer(info, "socketcall").Concat(Multiplexer(info, "ipc")));
        var named = model.Rules.SelectMany(r => r.Syscalls).SelectMany(e => PolicyResolver.ExpandEntry(e, info, CoreVerdict.Allow))
            .Select(x => x.Number).Distinct().ToArray();
        var numbers = named.Concat(Multiplexer(info, "socketcall")).Concat(Multiplexer(info, "ipc")).ToArray();
        var stats = new Stats();
        // Until `calls` have been compared with libseccomp (each call is compared with the reference evaluator).
        while (stats.Libseccomp < calls)
        {
            Assert.True(stats.Calls < 20 * calls + 1000, $"too few calls comparable with libseccomp: {stats}");
            int nr = numbers.Length > 0 && rng.Next(3) > 0 ? numbers[rng.Next(numbers.Length)]
                : rng.Next(8) == 0 && info.PrivateBase >= 0 ? info.PrivateBase + rng.Next(0, 8)
                : rng.Next(0, info.MaxSyscall + 1);
            var args = Args(rng, nr, resolved, info);
            var data = new SeccompData(nr, info.AuditArch, 0, args);
            var a = ours.Run(data, out _);
            var expected = ReferenceEvaluator.Evaluate(resolved, info.AuditArch, (uint)nr, args);
            Assert.True(a.ToString() == expected.ToString(), $"{info.Name} nr {nr}: program {a}, reference evaluator {expected}");
            stats.Calls++;
            if (multiplexedByDesign.Contains(nr)) { stats.Multiplexed++; continue; }
            if (notComparable.Contains(nr)) { stats.NotComparable++; continue; }
            // Numbers this release does not know get UnknownSyscalls (ENOSYS) here, libseccomp's default there; calls
            // newer than libseccomp 2.5.4 are not in its filter.
            if (!info.IsKnownNumber((uint)nr) || unknownToIt.Contains(nr)) { stats.Unknown++; continue; }
            var b = theirs.Run(data, out _);
            Assert.True(a == b, $"{info.Name} nr {nr} args [{string.Join(",", args.Select(x => "0x" + x.ToString("x")))}]: ours {a}, libseccomp {b}\n{RandomPolicies.ToSource(model, "P")}");
            stats.Libseccomp++;
        }
        return stats;
    }

    private static readonly HashSet<uint> s_actions = new() { 0x80000000, 0, 0x00030000, 0x00050000, 0x7fc00000, 0x7ff00000, 0x7ffc0000, 0x7fff0000 };

    /// <summary>
    /// libseccomp 2.5.4 exporting an s390x filter on this little-endian host writes every field big-endian except the
    /// k of some RET instructions in large filters (observed in Docker's profile: ALLOW as 00 00 ff 7f), which it
    /// converts twice; on s390x itself the conversion is the identity, so a filter it loads there is right. This
    /// puts those k back: a RET whose k is no action (or KILL_THREAD with data, which these policies never use) is
    /// one of them. The small filter of <see cref="S390xBytesAreLibseccompsByteOrder"/> has none and is compared as
    /// exported.
    /// </summary>
    private static byte[] MendCrossExport(byte[] bytes)
    {
        var mended = (byte[])bytes.Clone();
        for (int i = 0; i < mended.Length; i += 8)
        {
            ushort code = (ushort)(mended[i] << 8 | mended[i + 1]);
            if (code != (Seccomp.Compiler.Bpf.Op.RET | Seccomp.Compiler.Bpf.Op.K)) continue;
            uint k = (uint)(mended[i + 4] << 24 | mended[i + 5] << 16 | mended[i + 6] << 8 | mended[i + 7]);
            if (s_actions.Contains(k & 0xffff0000) && !(k != 0 && (k & 0xffff0000) == 0)) continue;
            Array.Reverse(mended, i + 4, 4);
        }
        return mended;
    }

    private static IEnumerable<int> Multiplexer(ArchInfo info, string name) =>
        info.TryGetNumber(name, out int nr) ? new[] { nr } : Array.Empty<int>();

    /// <summary>The numbers where ours and libseccomp differ by design (see the class comment).</summary>
    private static (HashSet<int> Multiplexed, HashSet<int> NotComparable) Differences(PolicyModel model, ArchInfo info)
    {
        var multiplexed = new HashSet<int>();
        var notComparable = new HashSet<int>();
        foreach (var rule in model.Rules)
            foreach (var entry in rule.Syscalls)
                foreach (var x in PolicyResolver.ExpandEntry(entry, info, rule.Action))
                {
                    var conditions = new[] { rule.When, x.Member?.When }.Where(w => w != null).ToList();
                    if (conditions.Count == 0) continue;
                    if (Multiplexers.Find(info, x.Name) is { } mux) multiplexed.Add(mux.Number);
                    foreach (var when in conditions)
                    {
                        ConditionBinder.Bind(ConditionParser.Parse(when!, out _)!, x.Name, info, out _, null, out var warnings);
                        if (warnings.Any(w => w.Id == DiagnosticIds.ArgumentNotComparable)) notComparable.Add(x.Number);
                    }
                }
        return (multiplexed, notComparable);
    }

    /// <summary>Arguments near the policy's constants. Register-width values: on arm the kernel leaves each slot's
    /// high word 0; elsewhere the high word of a 32-bit argument is cleared too, since libseccomp compares 64 bits
    /// where the kernel's ABI gives fewer (as in LibSeccompOracleTests). Multiplexer sub-calls are small numbers.</summary>
    private static ulong[] Args(Random rng, int nr, ResolvedPolicy resolved, ArchInfo info)
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
            args[i] = constants.Count > 0 && rng.Next(3) > 0
                ? constants[rng.Next(constants.Count)] + (ulong)(rng.Next(3) - 1)
                : RandomPolicies.Edges[rng.Next(RandomPolicies.Edges.Length)];
        if ((info.TryGetNumber("socketcall", out int sc) && nr == sc) || (info.TryGetNumber("ipc", out int ipc) && nr == ipc))
            args[0] = (ulong)rng.Next(0, 26);
        void Zero(Condition c)
        {
            switch (c)
            {
                case CompareCondition cc when cc.Type.Bits < 64: args[cc.Arg] &= cc.Type.WidthMask; break;
                case AndCondition a: Zero(a.Left); Zero(a.Right); break;
                case OrCondition o: Zero(o.Left); Zero(o.Right); break;
                case NotCondition n: Zero(n.Operand); break;
            }
        }
        foreach (var r in resolved.RulesFor(nr)) if (r.Condition != null) Zero(r.Condition);
        if (info.RegisterBits == 32)
            for (int i = 0; i < 6; i++) args[i] &= 0xffffffff;
        return args;
    }

    /// <summary>One rule per call, conditions libseccomp can express on arguments the filter can see there.</summary>
    private static PolicyModel RandomPolicy(Random rng, CoreArch arch)
    {
        var info = ArchInfo.Get(arch);
        var known = RandomPolicies.Pool.Concat(new[] { "socket", "connect", "sendto", "mmap2", "_llseek", "fstat64", "semget", "shmat" })
            .Distinct().Where(n => info.TryGetNumber(n, out _) && LibSeccomp.ResolveSyscall(info.AuditArch, n) >= 0).ToArray();
        var pool = known.OrderBy(_ => rng.Next()).Take(rng.Next(3, 25)).ToArray();
        var rules = new List<RuleModel>();
        CoreVerdict defaultAction;
        do defaultAction = RandomPolicies.RandomVerdict(rng); while (defaultAction.Action == CoreAction.Trap && defaultAction.Data != 0);
        bool anyCondition = false;
        foreach (var name in pool)
        {
            CoreVerdict action;
            do action = RandomPolicies.RandomVerdict(rng);
            while (action == defaultAction || action.Action == CoreAction.Trap && action.Data != 0);
            string? when = null;
            var ps = (Signatures.Get(name, arch) ?? (IReadOnlyList<Parameter>)Array.Empty<Parameter>())
                .Where(x => !x.Type.Pointer && x.Type.NotComparable == null).ToArray();
            if (ps.Length > 0 && (rng.Next(2) == 0 || !anyCondition))
            {
                var chosen = ps.OrderBy(_ => rng.Next()).Take(rng.Next(1, Math.Min(3, ps.Length) + 1)).ToArray();
                when = string.Join(rng.Next(2) == 0 ? " && " : " || ", chosen.Select(x => Term(rng, x)));
                anyCondition = true;
            }
            rules.Add(new RuleModel(rules.Count, action, EquatableArray.From(new[] { name }), when));
        }
        return new PolicyModel(defaultAction, CoreVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
            EquatableArray.From(new[] { arch }), EquatableArray.From(rules));
    }

    private static string Term(Random rng, Parameter p)
    {
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

    [Fact]
    public void S390xBytesAreLibseccompsByteOrder()
    {
        // The same one-rule policy from both: libseccomp's export for s390x is big-endian, and ours reads it as such.
        var info = ArchInfo.Get(CoreArch.S390x);
        var model = new PolicyModel(CoreVerdict.Errno(1), CoreVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
            EquatableArray.From(new[] { CoreArch.S390x }), EquatableArray.From(new[] { new RuleModel(0, CoreVerdict.Allow, EquatableArray.From(new[] { "read" }), "fd == 3") }));
        byte[] theirs = LibSeccomp.Compile(info.AuditArch, model.DefaultAction.ToKernel(), AttributeModel.ToLibSeccomp(model, CoreArch.S390x)!, model.BadArchAction.ToKernel());
        // libseccomp's first instruction is ld [4] (the arch): code 0x0020, k 4, big-endian.
        Assert.Equal(new byte[] { 0x00, 0x20, 0, 0, 0, 0, 0, 4 }, theirs.Take(8).ToArray());
        var program = new SeccompProgram(SeccompArch.S390x, theirs);
        Assert.Equal(theirs, program.ToBytes());
        Assert.True(info.TryGetNumber("read", out int read));
        Assert.Equal("ALLOW", program.Run(read, 3).ToString());
        Assert.Equal("ERRNO(1)", program.Run(read, 4).ToString());
        // Its high word of fd is at 16, the low one at 20: the interpreter reads s390x's layout.
        Assert.Equal("ERRNO(1)", program.Run(read, 3UL << 32).ToString());
        var ours = PolicyCompiler.Compile(model).Program(CoreArch.S390x).ToBytes();
        Assert.Equal(ours.Take(8).ToArray(), theirs.Take(8).ToArray());
    }
}
