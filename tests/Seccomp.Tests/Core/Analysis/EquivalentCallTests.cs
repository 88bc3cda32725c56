using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Seccomp.Compiler;
using Seccomp.Compiler.Analysis;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Diagnostics;
using Seccomp.Compiler.Policy;
using Seccomp.Compiler.Tables;
using Seccomp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Seccomp.Tests.Analysis;

/// <summary>SECC0043 in the core: the table of equivalent calls, and the check on every row of it.</summary>
public class EquivalentCallTests
{
    private readonly ITestOutputHelper _out;

    public EquivalentCallTests(ITestOutputHelper output) => _out = output;

    private static readonly CoreArch[] Supported = { CoreArch.X86_64, CoreArch.Aarch64, CoreArch.Riscv64 };
    private static readonly CoreVerdict Allow = CoreVerdict.Allow;
    private static readonly CoreVerdict Kill = CoreVerdict.KillProcess;

    private static RuleModel Rule(int index, CoreVerdict action, string? when, params string[] names) =>
        new(index, action, EquatableArray.From(names), when);

    private static PolicyModel Policy(CoreVerdict defaultAction, CoreArch[] archs, params RuleModel[] rules) => new(
        defaultAction, CoreVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction, EquatableArray.From(archs), EquatableArray.From(rules));

    public static IEnumerable<object[]> Rows => EquivalentSyscalls.All.Select((r, i) => new object[] { i, r.Denied + " -> " + r.Equivalent });

    /// <summary>The architectures that have both calls of a row.</summary>
    private static CoreArch[] Where(EquivalentCall row) => Supported
        .Where(a => ArchInfo.Get(a).TryGetNumber(row.Denied, out _) && ArchInfo.Get(a).TryGetNumber(row.Equivalent, out _)).ToArray();

    private static List<EquivalentBypass> Find(PolicyModel policy)
    {
        var bindings = new ConditionBindings();
        Assert.DoesNotContain(PolicyChecker.Check(policy, bindings), d => d.IsError);
        return EquivalentCallAnalysis.Find(policy, bindings, default);
    }

    private List<Finding> Secc0043(PolicyModel policy)
    {
        var compilation = PolicyCompiler.Compile(policy);
        Assert.DoesNotContain(compilation.Diagnostics, e => e.IsError);
        var found = compilation.Diagnostics.Where(d => d.Id == DiagnosticIds.DenialBypassedByEquivalent).Select(Finding.Of).ToList();
        foreach (var f in found) _out.WriteLine($"rule {f.RuleIndex} {f.Site} name {f.NameIndex} {f.Property}: {f.Message}");
        return found;
    }

    // ---- The table ------------------------------------------------------------------------------------------------

    [Fact]
    public void TheTableIsTheDataFileRowForRow()
    {
        var lines = File.ReadAllLines(Path.Combine(Paths.Repo, "data", "equivalent-syscalls.tsv")).Where(l => l.Length > 0).ToList();
        Assert.Equal("denied\tequivalent\tcondition\tkernel_source", lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split('\t')).ToList();
        Assert.All(rows, r => Assert.Equal(4, r.Length));
        Assert.Equal(rows.Select(r => (r[0], r[1], r[2].Length == 0 ? null : r[2], r[3])),
            EquivalentSyscalls.All.Select(r => (r.Denied, r.Equivalent, r.When, r.KernelSource)));
    }

    [Fact]
    public void EveryRowIsUniqueNamesACallOfSomeArchitectureAndCitesTheKernel()
    {
        Assert.Equal(EquivalentSyscalls.All.Count, EquivalentSyscalls.All.Select(r => (r.Denied, r.Equivalent)).Distinct().Count());
        foreach (var row in EquivalentSyscalls.All)
        {
            Assert.True(Where(row).Length > 0, $"{row.Denied} -> {row.Equivalent}: no supported architecture has both");
            Assert.NotEqual(row.Denied, row.Equivalent);
            Assert.Matches(@"^(fs|kernel|net|mm)/[a-z_/0-9]+\.c: ", row.KernelSource);
        }
    }

    [Fact]
    public void EveryConditionBindsWithoutProblemsWhereverTheEquivalentExists()
    {
        var bindings = new ConditionBindings();
        foreach (var row in EquivalentSyscalls.All.Where(r => r.When != null))
            foreach (var arch in Supported.Select(ArchInfo.Get).Where(a => a.TryGetNumber(row.Equivalent, out _)))
            {
                var bound = bindings.Bind(row.When!, row.Equivalent, arch);
                Assert.True(bound.Problems.Count == 0, $"{row.Equivalent} on {arch.Name}: {string.Join("; ", bound.Problems.Select(p => p.Message))}");
                Assert.NotNull(bound.Condition);
            }
    }

    /// <summary>
    /// Denying every equivalent of a call leaves no second step: when a -> b holds for every call of b and b -> c is a
    /// row, a -> c is a row with the same condition or none.
    /// </summary>
    [Fact]
    public void TheTableIsClosed()
    {
        var rows = EquivalentSyscalls.All;
        foreach (var ab in rows.Where(r => r.When == null))
            foreach (var bc in rows.Where(r => r.Denied == ab.Equivalent && r.Equivalent != ab.Denied))
                Assert.True(rows.Any(ac => ac.Denied == ab.Denied && ac.Equivalent == bc.Equivalent && (ac.When == null || ac.When == bc.When)),
                    $"{ab.Denied} -> {ab.Equivalent} -> {bc.Equivalent} has no row {ab.Denied} -> {bc.Equivalent}");
    }

    // ---- Every row ------------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Rows))]
    public void EveryRowWarnsWhenTheCallIsDeniedAndItsEquivalentAllowed(int index, string name)
    {
        var row = EquivalentSyscalls.All[index];
        var archs = Where(row);
        // By the default action, and by an explicit Allow under a denying default.
        foreach (var policy in new[]
        {
            Policy(Allow, archs, Rule(0, CoreVerdict.Errno(13), null, row.Denied)),
            Policy(CoreVerdict.Errno(1), archs, Rule(0, Allow, null, row.Equivalent), Rule(1, Kill, null, row.Denied)),
        })
        {
            var found = Find(policy).Where(b => b.Pair == row).ToList();
            Assert.True(archs.All(a => found.Any(b => b.Arch.Arch == a)), name);
            var denyingRule = policy.Rules[policy.Rules.Count - 1];
            Assert.All(found, b => Assert.Equal((denyingRule.Index, 0, denyingRule.Action), (b.RuleIndex, b.NameIndex, b.Denial)));
            Assert.All(found, b => Assert.Equal(CoreAction.Allow, b.Allowed.Action));
            var f = Assert.Single(Secc0043(policy), d => d.RuleIndex == denyingRule.Index);
            Assert.Equal(LocationSite.Policy, f.Site);
            Assert.Contains(row.Equivalent + (row.When != null ? $" when '{row.When}'" : ""), f.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void NoWarningWhenTheEquivalentIsDeniedTooUnderTheRowsCondition(int index, string name)
    {
        var row = EquivalentSyscalls.All[index];
        var policy = Policy(Allow, Where(row), Rule(0, CoreVerdict.Errno(1), null, row.Denied), Rule(1, CoreVerdict.Errno(1), row.When, row.Equivalent));
        Assert.True(Find(policy).All(b => b.Pair != row), name);
    }

    /// <summary>
    /// What the code fix adds (the rules of the diagnostic's suggestion), added to the policy, leaves no SECC0043 on
    /// the call: the table is closed, so no equivalent of an equivalent is left.
    /// </summary>
    [Theory]
    [MemberData(nameof(Rows))]
    public void TheFixLeavesNoWarning(int index, string name)
    {
        var row = EquivalentSyscalls.All[index];
        var policy = Policy(Allow, Where(row), Rule(0, CoreVerdict.Errno(13), null, row.Denied));
        var d = Assert.Single(PolicyCompiler.Compile(policy).Diagnostics, d => d.Id == DiagnosticIds.DenialBypassedByEquivalent);
        Assert.Equal(FixKinds.DenyEquivalent, d.Fix);
        var fixedPolicy = WithFix(policy, d.Suggestion!);
        Assert.True(Secc0043(fixedPolicy).Count == 0, name);
    }

    private static PolicyModel WithFix(PolicyModel policy, string suggestion)
    {
        var fix = EquivalentCallAnalysis.ParseFix(suggestion);
        Assert.NotNull(fix);
        var rules = policy.Rules.ToList();
        foreach (var (names, when, kind, data) in fix!)
            rules.Add(Rule(rules.Count, new CoreVerdict(kind, (ushort)data), when, names));
        return Policy(policy.DefaultAction, policy.Architectures.ToArray(), rules.ToArray());
    }

    // ---- Conditions, architectures, the default ---------------------------------------------------------------------

    [Fact]
    public void RmdirDeniedWhileUnlinkatIsDeniedForOtherCallsOnly()
    {
        var x86 = new[] { CoreArch.X86_64 };
        // The wrong half of unlinkat, or AT_REMOVEDIR for one directory descriptor only: rmdir still gets through.
        foreach (var when in new[] { "!(flag & AT_REMOVEDIR)", "(flag & AT_REMOVEDIR) && dfd == 3" })
        {
            var f = Assert.Single(Secc0043(Policy(Allow, x86, Rule(0, CoreVerdict.Errno(1), null, "rmdir"), Rule(1, CoreVerdict.Errno(1), when, "unlinkat"))));
            Assert.Equal(0, f.RuleIndex);
            Assert.StartsWith("[Deny(\"rmdir\")] denies rmdir, but unlinkat when 'flag & AT_REMOVEDIR' does the same and is allowed (e.g. unlinkat(", f.Message, StringComparison.Ordinal);
            Assert.Contains("gets ALLOW on x86_64): deny it too", f.Message, StringComparison.Ordinal);
        }
        // The right half, written differently: nothing.
        Assert.Empty(Secc0043(Policy(Allow, x86, Rule(0, CoreVerdict.Errno(1), null, "rmdir"), Rule(1, Kill, "(flag & 0x200) != 0", "unlinkat"))));
    }

    [Fact]
    public void ACallDeniedForSomeArgumentsOnlyIsNotCompared()
    {
        Assert.Empty(Secc0043(Policy(Allow, new[] { CoreArch.X86_64 }, Rule(0, Kill, "sig == 9", "kill"))));
    }

    /// <summary>
    /// The red-team's case: [Deny("kill")] beside @dotnet-runtime. The group's tgkill reaches only this thread group
    /// (tgid == SELF_PID), so it is no way around the denial, and the runtime's own signalling stays allowed.
    /// </summary>
    [Fact]
    public void TheRuntimeGroupsTgkillIsNoWayAroundADeniedKill()
    {
        var found = Find(Policy(CoreVerdict.Errno(1), new[] { CoreArch.X86_64 }, Rule(0, Allow, null, "@dotnet-runtime"), Rule(1, CoreVerdict.Errno(1), null, "kill")));
        Assert.DoesNotContain(found, b => b.Pair.Equivalent == "tgkill");
    }

    [Fact]
    public void KillNamesEveryCallThatSendsASignal()
    {
        var policy = Policy(Allow, new[] { CoreArch.X86_64 }, Rule(0, CoreVerdict.Errno(1), null, "kill"));
        var f = Assert.Single(Secc0043(policy));
        // Signalling its own threads is what the runtime does; another thread group is what kill reaches.
        Assert.StartsWith("[Deny(\"kill\")] denies kill, but tgkill when 'tgid != SELF_PID', tkill, pidfd_send_signal, "
            + "rt_sigqueueinfo when 'pid != SELF_PID' and rt_tgsigqueueinfo when 'tgid != SELF_PID' do the same and are allowed", f.Message, StringComparison.Ordinal);
        var fix = EquivalentCallAnalysis.ParseFix(PolicyCompiler.Compile(policy).Diagnostics.Single(d => d.Id == DiagnosticIds.DenialBypassedByEquivalent).Suggestion!)!;
        Assert.All(fix, r => Assert.Equal((CoreAction.Errno, 1), (r.Kind, r.Data)));
        Assert.Equal(new[] { "tkill", "pidfd_send_signal" }, fix.Single(r => r.When == null).Names);
        Assert.Equal(new[] { "tgkill", "rt_tgsigqueueinfo" }, fix.Single(r => r.When == "tgid != SELF_PID").Names);
        Assert.Equal(new[] { "rt_sigqueueinfo" }, fix.Single(r => r.When == "pid != SELF_PID").Names);
    }

    [Fact]
    public void ForkNamesCloneWithoutCloneThreadAndClone3WithEnosys_SoThatTheFixKeepsThreads()
    {
        var policy = Policy(Allow, new[] { CoreArch.X86_64 }, Rule(0, Kill, null, "fork"));
        var d = PolicyCompiler.Compile(policy).Diagnostics.Single(d => d.Id == DiagnosticIds.DenialBypassedByEquivalent);
        Assert.Equal("vfork\t\tKillProcess 0\nclone3\t\tErrno 38\nclone\t!(clone_flags & CLONE_THREAD)\tKillProcess 0", d.Suggestion);
        var fixedPolicy = WithFix(policy, d.Suggestion!);
        Assert.Empty(Secc0043(fixedPolicy));
        Assert.DoesNotContain(PolicyCompiler.Compile(fixedPolicy).Diagnostics, x => x.Id == DiagnosticIds.RuntimeNeedsSyscall);
    }

    [Fact]
    public void PairsAreSkippedWhereTheDeniedCallDoesNotExist()
    {
        // rmdir exists on x86_64 only (SECC0002 says so); aarch64 has unlinkat alone.
        var found = Find(Policy(Allow, new[] { CoreArch.X86_64, CoreArch.Aarch64 }, Rule(0, CoreVerdict.Errno(1), null, "rmdir")));
        Assert.Equal(new[] { "x86_64" }, found.Select(b => b.Arch.Name).Distinct());
        // renameat exists on x86_64 and aarch64, not riscv64.
        found = Find(Policy(Allow, Supported, Rule(0, CoreVerdict.Errno(1), null, "renameat")));
        Assert.Equal(new[] { "x86_64", "aarch64" }, found.Select(b => b.Arch.Name).Distinct());
    }

    /// <summary>
    /// A denying default is no statement about the calls nobody listed (rename, execve beside an allowed renameat2 and
    /// execveat): nothing is reported; a rule that names the older call is a statement.
    /// </summary>
    [Fact]
    public void TheDefaultIsNoStatement_ARuleIs()
    {
        var policy = Policy(CoreVerdict.Errno(1), new[] { CoreArch.X86_64 },
            Rule(0, Allow, null, "@dotnet-runtime"), Rule(1, Allow, null, "execveat", "renameat2"), Rule(2, Allow, "(flag & AT_REMOVEDIR) && dfd == 3", "unlinkat"));
        Assert.Empty(Secc0043(policy));
        var named = Policy(CoreVerdict.Errno(1), new[] { CoreArch.X86_64 },
            Rule(0, Allow, null, "@dotnet-runtime"), Rule(1, Allow, null, "execveat"), Rule(2, CoreVerdict.Errno(13), null, "execve"));
        var f = Assert.Single(Secc0043(named));
        Assert.StartsWith("[Deny(\"execve\", Errno = EACCES)] denies execve, but execveat does the same and is allowed", f.Message, StringComparison.Ordinal);
        var d = PolicyCompiler.Compile(named).Diagnostics.Single(x => x.Id == DiagnosticIds.DenialBypassedByEquivalent);
        Assert.Empty(Secc0043(WithFix(named, d.Suggestion!)));
    }

    /// <summary>
    /// The group allows unlinkat, openat, fchmod, clone, tgkill, getdents64, epoll_create1, ... and the default denies
    /// rmdir, creat, chmod, fork, kill, getdents, epoll_create: the runtime calls the former, and the default is no
    /// statement about the latter, so nothing is reported. A rule that names the older call is one.
    /// </summary>
    [Fact]
    public void TheDefaultIsNoStatementAboutCallsWhoseEquivalentTheRuntimeMakes()
    {
        Assert.Empty(Secc0043(Policy(CoreVerdict.Errno(1), new[] { CoreArch.X86_64 }, Rule(0, Allow, null, "@dotnet-runtime"))));
        Assert.Empty(Secc0043(Policy(Kill, Supported, Rule(0, Allow, null, "@dotnet-runtime"), Rule(1, Allow, null, "tgkill"))));
        var f = Assert.Single(Secc0043(Policy(CoreVerdict.Errno(1), new[] { CoreArch.X86_64 }, Rule(0, Allow, null, "@dotnet-runtime"), Rule(1, Kill, null, "rmdir"))));
        Assert.StartsWith("[Kill(\"rmdir\")] denies rmdir, but unlinkat when 'flag & AT_REMOVEDIR' does the same and is allowed", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LogCountsAsAllowedAndTrapAsDenied()
    {
        var f = Assert.Single(Secc0043(Policy(Allow, new[] { CoreArch.X86_64 },
            Rule(0, new CoreVerdict(CoreAction.Trap, 5), null, "execve"), Rule(1, new CoreVerdict(CoreAction.Log, 0), null, "execveat"))));
        Assert.Contains("gets LOG on x86_64", f.Message, StringComparison.Ordinal);
        // Trace and Notify hand the call to a supervisor: not a denial this check compares.
        Assert.Empty(Secc0043(Policy(Allow, new[] { CoreArch.X86_64 }, Rule(0, new CoreVerdict(CoreAction.Notify, 0), null, "execve"))));
    }

    [Fact]
    public void OneWarningPerDenyingName()
    {
        var found = Secc0043(Policy(Allow, new[] { CoreArch.X86_64 }, Rule(0, CoreVerdict.Errno(1), null, "getpid", "rmdir", "unlink")));
        Assert.Equal(new[] { (LocationSite.SyscallName, 1), (LocationSite.SyscallName, 2) }, found.Select(f => (f.Site, f.NameIndex)));
        Assert.StartsWith("'unlink' in [Deny(\"getpid\", \"rmdir\", \"unlink\")] denies unlink, but unlinkat when '!(flag & AT_REMOVEDIR)'", found[1].Message, StringComparison.Ordinal);
    }

    // ---- Property: random policies against the reference evaluator --------------------------------------------------

    /// <summary>
    /// Random policies over the calls of the table, with the table's own conditions (and their negations) and random
    /// actions, on x86_64. Every argument region those conditions make is hit by a vector of <see cref="Pool"/> in the
    /// first four slots, so enumerating the pool decides exactly what the reference evaluator gives each call; the
    /// analysis must report a row exactly when the denied call is denied everywhere and some vector of the equivalent
    /// that matches the row's condition is allowed or logged.
    /// </summary>
    [Fact]
    public void RandomPolicies_ReportExactlyWhatTheReferenceEvaluatorShows()
    {
        var arch = ArchInfo.Get(CoreArch.X86_64);
        var rows = EquivalentSyscalls.All.Where(r => arch.TryGetNumber(r.Denied, out _) && arch.TryGetNumber(r.Equivalent, out _)).ToList();
        var calls = rows.SelectMany(r => new[] { r.Denied, r.Equivalent }).Distinct().ToList();
        var conditions = rows.Where(r => r.When != null).GroupBy(r => r.Equivalent).ToDictionary(g => g.Key, g => g.Select(r => r.When!).Distinct().ToList());
        var actions = new[] { Allow, new CoreVerdict(CoreAction.Log, 0), CoreVerdict.Errno(1), CoreVerdict.Errno(13), Kill, new CoreVerdict(CoreAction.Trap, 0) };
        var vectors = Vectors().ToList();
        var random = new Random(4343);
        int reported = 0, checkedRows = 0;

        for (int round = 0; round < 60; round++)
        {
            var rules = new List<RuleModel>();
            int count = random.Next(1, 14);
            for (int i = 0; i < count; i++)
            {
                string call = calls[random.Next(calls.Count)];
                string? when = null;
                if (conditions.TryGetValue(call, out var options) && random.Next(2) == 0)
                {
                    when = options[random.Next(options.Count)];
                    if (random.Next(2) == 0) when = "!(" + when + ")";
                }
                rules.Add(Rule(i, actions[random.Next(actions.Length)], when, call));
            }
            var policy = Policy(actions[random.Next(actions.Length)], new[] { CoreArch.X86_64 }, rules.ToArray());
            var bindings = new ConditionBindings();
            Assert.DoesNotContain(PolicyChecker.Check(policy, bindings), d => d.IsError);
            var resolved = PolicyResolver.Resolve(policy, CoreArch.X86_64, bindings);
            var found = EquivalentCallAnalysis.Find(policy, bindings, default);

            CoreVerdict Eval(string call, ulong[] args)
            {
                arch.TryGetNumber(call, out int nr);
                return ReferenceEvaluator.Evaluate(resolved, arch.AuditArch, (uint)nr, args);
            }

            foreach (var row in rows)
            {
                bool deniedEverywhere = vectors.All(v => PolicyAnalysis.IsDenying(Eval(row.Denied, v).Action));
                var condition = row.When == null ? null : bindings.TryBind(row.When, row.Equivalent, arch);
                bool allowedSomewhere = vectors.Any(v => (condition == null || ReferenceEvaluator.Holds(condition, v))
                    && Eval(row.Equivalent, v).Action is CoreAction.Allow or CoreAction.Log);
                var bypass = found.SingleOrDefault(b => b.Pair == row);
                if (bypass != null)
                {
                    // What the finding says holds in the reference evaluator: its example gets through.
                    Assert.True(condition == null || ReferenceEvaluator.Holds(condition, bypass.Example));
                    Assert.Equal(bypass.Allowed, Eval(row.Equivalent, bypass.Example));
                    reported++;
                }
                // Only a rule is a statement: where the denial is the default's alone (no denying rule covers the
                // call, and under a denying default a conditional one does not decide it), nothing is reported.
                bool wholeRule = rules.Any(r => r.Syscalls.Contains(row.Denied) && r.When == null && PolicyAnalysis.IsDenying(r.Action.Action));
                bool anyRule = rules.Any(r => r.Syscalls.Contains(row.Denied) && PolicyAnalysis.IsDenying(r.Action.Action));
                bool byDefaultOnly = bypass == null && !wholeRule && (PolicyAnalysis.IsDenying(policy.DefaultAction.Action) || !anyRule);
                if (!byDefaultOnly)
                    Assert.True(deniedEverywhere && allowedSomewhere == (bypass != null) || !deniedEverywhere && bypass == null,
                        $"round {round}, {row.Denied} -> {row.Equivalent}: denied everywhere {deniedEverywhere}, allowed somewhere {allowedSomewhere}, reported {bypass != null}");
                checkedRows++;
            }
        }
        _out.WriteLine($"{checkedRows} rows checked, {reported} reported");
        Assert.True(reported > 50, $"only {reported} bypasses in the random policies");
    }

    /// <summary>Values that separate every region of the table's conditions: AT_REMOVEDIR and O_TRUNC (0x200), O_CREAT (0x40), CLONE_THREAD (0x10000), F_DUPFD (0), F_DUPFD_CLOEXEC (1030), a non-null pointer.</summary>
    private static readonly ulong[] Pool = { 0, 1, 0x40, 0x200, 0x10000, 1030 };

    private static IEnumerable<ulong[]> Vectors()
    {
        foreach (var a in Pool)
            foreach (var b in Pool)
                foreach (var c in Pool)
                    foreach (var d in Pool)
                        yield return new[] { a, b, c, d, 0UL, 0UL };
    }
}
