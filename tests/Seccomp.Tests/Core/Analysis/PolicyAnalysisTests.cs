using System;
using Seccomp.Compiler.Diagnostics;
using System.Collections.Generic;
using System.Linq;
using Seccomp.Compiler;
using Seccomp.Compiler.Analysis;
using Seccomp.Compiler.Policy;
using Seccomp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Seccomp.Tests.Analysis;

/// <summary>The policy analysis of the core: what it finds, what it says, and that it is sound.</summary>
public class PolicyAnalysisTests
{
    private readonly ITestOutputHelper _out;

    public PolicyAnalysisTests(ITestOutputHelper output) => _out = output;

    internal static RuleModel Rule(int index, CoreVerdict action, string? when, params string[] names) =>
        new(index, action, EquatableArray.From(names), when);

    internal static PolicyModel Policy(CoreVerdict defaultAction, params RuleModel[] rules) =>
        Policy(defaultAction, new[] { CoreArch.X86_64, CoreArch.Aarch64 }, rules);

    internal static PolicyModel Policy(CoreVerdict defaultAction, CoreArch[] archs, params RuleModel[] rules) => new(
        defaultAction, CoreVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction, EquatableArray.From(archs), EquatableArray.From(rules));

    private List<Finding> Analyze(PolicyModel policy)
    {
        var findings = Findings(policy);
        foreach (var f in findings) _out.WriteLine($"{f.Kind} rule {f.RuleIndex} {f.Site} name {f.NameIndex} [{f.Start},{f.Length}] {f.Property}: {f.Message}");
        return findings;
    }

    /// <summary>What the one entry point says about a valid policy, flattened for the assertions below.</summary>
    internal static List<Finding> Findings(PolicyModel policy)
    {
        var compilation = PolicyCompiler.Compile(policy);
        Assert.DoesNotContain(compilation.Diagnostics, e => e.IsError);
        return compilation.Diagnostics.Select(Finding.Of).ToList();
    }

    /// <summary>The findings other than the runtime's needs (most small test policies deny them by default).</summary>
    private List<Finding> Analyze(PolicyModel policy, params string[] kinds) =>
        Analyze(policy).Where(f => kinds.Contains(f.Kind)).ToList();

    private static readonly CoreVerdict Allow = CoreVerdict.Allow;
    private static readonly CoreVerdict Kill = CoreVerdict.KillProcess;
    private static readonly CoreVerdict Log = new(CoreAction.Log, 0);
    private static CoreVerdict Deny(int errno = 1) => CoreVerdict.Errno(errno);

    // ---- Unreachable, duplicate, same as default ---------------------------------------------------------------------

    [Fact]
    public void Unreachable_NamesTheShadowingRule_EvenWhenWrittenDifferently()
    {
        var f = Assert.Single(Analyze(Policy(Allow,
            Rule(0, Kill, "(flags & O_CREAT) != 0", "openat"),
            Rule(1, Deny(13), "flags & O_CREAT", "openat")), DiagnosticIds.UnreachableRule));
        Assert.Equal(1, f.RuleIndex);
        Assert.Equal(LocationSite.Policy, f.Site);
        Assert.Equal("[Deny(\"openat\", Errno = EACCES, When = \"flags & O_CREAT\")] never decides a call: "
            + "[Kill(\"openat\", When = \"(flags & O_CREAT) != 0\")] matches wherever it does, and KILL_PROCESS is more restrictive than ERRNO(EACCES)",
            f.Message);
    }

    [Fact]
    public void Unreachable_ByTheUnionOfStricterRules()
    {
        var f = Assert.Single(Analyze(Policy(Deny(),
            Rule(0, Kill, "fd < 5", "read"),
            Rule(1, Deny(9), "fd >= 5", "read"),
            Rule(2, Allow, "fd < 10", "read")), DiagnosticIds.UnreachableRule));
        Assert.Equal(2, f.RuleIndex);
        Assert.Contains("[Kill(\"read\", When = \"fd < 5\")] and [Deny(\"read\", Errno = EBADF, When = \"fd >= 5\")] match wherever it does, and their actions are more restrictive than ALLOW", f.Message);
    }

    [Fact]
    public void Unreachable_OneNameOfAMultiNameRule()
    {
        var f = Assert.Single(Analyze(Policy(Allow,
            Rule(0, Kill, null, "ptrace"),
            Rule(1, Deny(), null, "getpid", "ptrace")), DiagnosticIds.UnreachableRule));
        Assert.Equal((1, LocationSite.SyscallName, 1), (f.RuleIndex, f.Site, f.NameIndex));
        Assert.StartsWith("'ptrace' in [Deny(\"getpid\", \"ptrace\")] never decides a call", f.Message);
    }

    [Fact]
    public void PartlyShadowed_IsNotReported()
    {
        Assert.Empty(Analyze(Policy(Deny(),
            Rule(0, Kill, "fd < 5", "read"),
            Rule(1, Allow, "fd < 10", "read"),
            Rule(2, Kill, "fd == 1", "write"),
            Rule(3, Allow, null, "write", "close")), DiagnosticIds.UnreachableRule, DiagnosticIds.DuplicateRule, DiagnosticIds.RuleSameAsDefault));
    }

    [Fact]
    public void Duplicates_TheLaterOfTwoIdenticalRules_AndNamesAGroupCovers()
    {
        var findings = Analyze(Policy(Deny(),
            Rule(0, Allow, null, "@dotnet-runtime"),
            Rule(1, Allow, "family == AF_INET", "socket"),
            Rule(2, Allow, "family == 2", "socket"),
            Rule(3, Allow, null, "accept4", "read"),
            Rule(4, Allow, "cmd == FIONBIO", "ioctl")), DiagnosticIds.DuplicateRule);
        Assert.Equal(new[] { (2, -1), (3, 1), (4, -1) }, findings.Select(f => (f.RuleIndex, f.NameIndex)).OrderBy(x => x));
        Assert.Contains(findings, f => f.Message == "[Allow(\"ioctl\", When = \"cmd == FIONBIO\")] is a duplicate: [Allow(\"@dotnet-runtime\")] already gives ALLOW wherever it matches");
    }

    [Fact]
    public void Duplicates_TheNarrowerRuleWhateverTheOrder()
    {
        var f = Assert.Single(Analyze(Policy(Deny(),
            Rule(0, Allow, "fd < 3", "read"),
            Rule(1, Allow, "fd < 10", "read")), DiagnosticIds.DuplicateRule));
        Assert.Equal(0, f.RuleIndex);
    }

    [Fact]
    public void SameAsDefault_UnlessItOverridesAMorePermissiveRule()
    {
        var findings = Analyze(Policy(Deny(),
            Rule(0, Allow, null, "openat"),
            Rule(1, Deny(), "flags & O_CREAT", "openat"),
            Rule(2, Deny(), null, "execve"),
            Rule(3, Deny(13), null, "execveat")), DiagnosticIds.RuleSameAsDefault);
        var f = Assert.Single(findings);
        Assert.Equal(2, f.RuleIndex);
        Assert.Equal("[Deny(\"execve\")] changes nothing: the default action is already ERRNO(EPERM) and no more permissive rule matches these calls", f.Message);
    }

    [Fact]
    public void DenyThatMakesAnAllowDead_IsNotAlsoReportedAsChangingNothing()
    {
        var findings = Analyze(Policy(Deny(),
            Rule(0, Deny(), null, "ptrace"),
            Rule(1, Allow, null, "ptrace")), DiagnosticIds.UnreachableRule, DiagnosticIds.RuleSameAsDefault);
        Assert.Equal(new[] { (DiagnosticIds.UnreachableRule, 1) }, findings.Select(f => (f.Kind, f.RuleIndex)));
    }

    // ---- Conflicting errno values ---------------------------------------------------------------------------------

    [Fact]
    public void ConflictingErrno_CoveredAndPartial_ButNotANarrowerException()
    {
        var findings = Analyze(Policy(Allow,
            Rule(0, Deny(2), null, "openat"),
            Rule(1, Deny(13), "flags & O_CREAT", "openat"),
            Rule(2, Deny(2), "fd == 5", "close"),
            Rule(3, Deny(13), "fd > 3 && fd < 10", "close"),
            Rule(4, Deny(13), null, "read"),
            Rule(5, Deny(2), "fd == 0", "read")), DiagnosticIds.ConflictingErrno);
        // openat: the EACCES rule is covered; close and read: the ENOENT rule is a narrower exception.
        Assert.Equal(new[] { 1 }, findings.Select(f => f.RuleIndex));
        Assert.Contains(findings, f => f.Message.StartsWith("[Deny(\"openat\", Errno = EACCES, When = \"flags & O_CREAT\")] never returns EACCES: [Deny(\"openat\", Errno = ENOENT)] matches the same calls", StringComparison.Ordinal));

        var partial = Analyze(Policy(Allow,
            Rule(0, Deny(2), "flags & O_CREAT", "openat"),
            Rule(1, Deny(13), "dfd == 5", "openat")), DiagnosticIds.ConflictingErrno);
        Assert.Equal("[Deny(\"openat\", Errno = EACCES, When = \"dfd == 5\")] and [Deny(\"openat\", Errno = ENOENT, When = \"flags & O_CREAT\")] "
            + "both match some calls (e.g. openat(dfd=5, flags=0x40)) with different errno values: there ERRNO(ENOENT) wins over ERRNO(EACCES)",
            Assert.Single(partial).Message);
    }

    // ---- Constant conditions ----------------------------------------------------------------------------------

    [Fact]
    public void ConstantConditions_AtTheirCharacters_WithArchitecturesWhenNotAll()
    {
        var findings = Analyze(Policy(Allow,
            Rule(0, Kill, "fd == 1 && fd == 2", "read"),
            Rule(1, Kill, "count < 0 || fd == 3", "read"),
            Rule(2, Kill, "(flags & 0x4000) == O_DIRECT", "openat")), DiagnosticIds.ConditionNeverTrue, DiagnosticIds.ConditionAlwaysTrue);
        Assert.Equal(3, findings.Count);
        Assert.Equal("[Kill(\"read\", When = \"fd == 1 && fd == 2\")]: the condition is never true: 'fd' cannot be both 1 and 2; the rule applies to no call", findings[0].Message);
        Assert.Equal((0, 18), (findings[0].Start, findings[0].Length));
        Assert.Equal("[Kill(\"read\", When = \"count < 0 || fd == 3\")]: 'count < 0' is never true: 'size_t count' is unsigned, never below 0", findings[1].Message);
        Assert.Equal((0, 9), (findings[1].Start, findings[1].Length));
        Assert.Contains("the condition is never true on aarch64:", findings[2].Message);
    }

    [Fact]
    public void ConstantConditions_ForSomeSyscallsOfARule()
    {
        // arg2 is 'size_t count' for read but 'int flags' for openat: '< 0' is dead only for read.
        var f = Assert.Single(Analyze(Policy(Allow, Rule(0, Kill, "arg2 < 0", "read", "openat")), DiagnosticIds.ConditionNeverTrue));
        Assert.Contains("the condition is never true for read:", f.Message);
    }

    // ---- Trace / Notify, KillThread --------------------------------------------------------------------------

    [Fact]
    public void TraceNotifyAndKillThread()
    {
        var model = Policy(Allow,
            Rule(0, new CoreVerdict(CoreAction.Notify, 0), null, "openat"),
            Rule(1, new CoreVerdict(CoreAction.Trace, 3), null, "connect"),
            Rule(2, new CoreVerdict(CoreAction.KillThread, 0), null, "ptrace")) with { BadArchAction = new CoreVerdict(CoreAction.KillThread, 0) };
        var findings = Analyze(model, DiagnosticIds.NeedsTracerOrListener, DiagnosticIds.KillThread);
        Assert.Equal(new[]
        {
            (DiagnosticIds.KillThread, -1, PolicyProperty.BadArchAction),
            (DiagnosticIds.NeedsTracerOrListener, 0, PolicyProperty.None),
            (DiagnosticIds.NeedsTracerOrListener, 1, PolicyProperty.None),
            (DiagnosticIds.KillThread, 2, PolicyProperty.RuleKillThread),
        }, findings.Select(f => (f.Kind, f.RuleIndex, f.Property)));
        Assert.Contains("without a listener they fail with ENOSYS", findings[1].Message);
        Assert.Contains("without a tracer attached they fail with ENOSYS", findings[2].Message);
        Assert.StartsWith("[Kill(\"ptrace\", Thread = true)] kills only the calling thread", findings[3].Message);
    }

    // ---- Dangerous allowances --------------------------------------------------------------------------------

    [Fact]
    public void DangerousAllowances_WhenTheDefaultDenies()
    {
        var findings = Analyze(Policy(Deny(),
            Rule(0, Allow, null, "ptrace", "read"),
            Rule(1, Log, null, "bpf"),
            Rule(2, Allow, "unshare_flags & CLONE_NEWNS", "unshare"),
            Rule(3, Allow, "personality != 0x0040000", "personality"),
            Rule(4, Allow, "(clone_flags & CLONE_NEWUSER) == 0", "clone"),
            Rule(5, Allow, "personality in (0, 8, 0x20000, 0x20008, 0xffffffff)", "personality"),
            Rule(6, Allow, null, "io_uring_setup"),
            Rule(7, Kill, null, "io_uring_setup")), DiagnosticIds.DangerousAllowance);
        Assert.Equal(new[] { (0, 0), (1, -1), (2, -1), (3, -1) }, findings.Select(f => (f.RuleIndex, f.NameIndex)).OrderBy(x => x));
        Assert.Contains(findings, f => f.Message.StartsWith("[Allow(\"unshare\", When = \"unshare_flags & CLONE_NEWNS\")] allows unshare with CLONE_NEWUSER (its condition does not exclude it) while the default action is ERRNO(EPERM)", StringComparison.Ordinal));
        Assert.Empty(Analyze(Policy(Allow, Rule(0, Allow, null, "ptrace")), DiagnosticIds.DangerousAllowance));
    }

    // ---- The runtime's calls ----------------------------------------------------------------------------------

    [Fact]
    public void RuntimeNeeds_DeniedByDefaultOrByRules()
    {
        var byDefault = Assert.Single(Analyze(Policy(Deny(), Rule(0, Allow, null, "read")), DiagnosticIds.RuntimeNeedsSyscall));
        Assert.Equal((-1, PolicyProperty.DefaultAction), (byDefault.RuleIndex, byDefault.Property));
        Assert.StartsWith("The default action ERRNO(EPERM) denies futex, mmap, mprotect, munmap, madvise, membarrier, tgkill", byDefault.Message);

        var byRules = Analyze(Policy(Allow,
            Rule(0, Kill, null, "futex"),
            Rule(1, Deny(), null, "ptrace", "membarrier"),
            Rule(2, Deny(), null, "clone3"),
            Rule(3, Kill, "addr == 0", "mmap")), DiagnosticIds.RuntimeNeedsSyscall);
        Assert.Equal(new[] { (0, -1), (1, 1), (2, -1) }, byRules.Select(f => (f.RuleIndex, f.NameIndex)).OrderBy(x => x));
        Assert.Contains(byRules, f => f.Message.Contains("falls back to clone only when clone3 fails with ENOSYS, not with ERRNO(EPERM)", StringComparison.Ordinal));
    }

    [Fact]
    public void RuntimeNeeds_ThreadsNeedCloneWhenClone3FailsWithEnosys()
    {
        var f = Assert.Single(Analyze(Policy(Allow,
            Rule(0, Deny(38), null, "clone3"),
            Rule(1, Deny(), "clone_flags & CLONE_THREAD", "clone")), DiagnosticIds.RuntimeNeedsSyscall));
        Assert.Equal(1, f.RuleIndex);
        Assert.Contains("clone with the flags of a new thread", f.Message);

        Assert.Empty(Analyze(Policy(Deny(),
            Rule(0, Allow, null, "@dotnet-runtime"),
            Rule(1, Deny(), "clone_flags & CLONE_NEWUSER", "clone"),
            Rule(2, Deny(38), null, "clone3")), DiagnosticIds.RuntimeNeedsSyscall, DiagnosticIds.DangerousAllowance));
    }

    [Fact]
    public void DockerDefaultProfile_PtraceProcessVmWritevDeviceNodesAndWhatCapabilitiesGuard()
    {
        var findings = Analyze(AttributeModel.FromType(typeof(Seccomp.Tests.Policies.DockerDefaultPolicy)));
        // Docker allows mknod and mknodat with any mode: device nodes, which only CAP_MKNOD and the device cgroup stop.
        var reported = findings.Where(f => f.Kind != DiagnosticIds.ReviewAllowance).Select(f => f.Kind == DiagnosticIds.DangerousAllowance
            ? System.Text.RegularExpressions.Regex.Match(f.Message, @"allows ([a-z0-9_]+)").Groups[1].Value : f.Kind.ToString()).ToList();
        _out.WriteLine(string.Join(", ", reported));
        Assert.Equal(new[] { "ptrace", "process_vm_writev", "mknod", "mknodat" }, reported.Take(4));
        // Docker leaves these to the capabilities it drops (CAP_SYS_CHROOT is kept by default; process_vm_readv and
        // clock_adjtime in read-only mode are allowed since Linux 4.8 and 5.x): issue 21's list reports them.
        Assert.Contains("chroot", reported);
        Assert.Contains("process_vm_readv", reported);
        Assert.All(reported.Skip(4), name => Assert.Contains(SandboxFacts.Dangerous, d => d.Syscall == name));
    }

    // ---- Soundness on random policies ----------------------------------------------------------------------------

    /// <summary>
    /// Removing every rule and name reported as never deciding, duplicate or the same as the default never changes a
    /// verdict; and a condition reported never (always) true is false (true) on every call.
    /// </summary>
    [Theory]
    [InlineData(11, false)]
    [InlineData(12, true)]
    [InlineData(13, true)]
    [InlineData(14, true)]
    public void RemovingWhatTheAnalysisCallsDeadChangesNoVerdict(int seed, bool conditions)
    {
        var rng = new Random(seed);
        int removed = 0, constant = 0;
        for (int i = 0; i < 60; i++)
        {
            var policy = RandomPolicies.Create(rng, "P", conditions, maxRules: 12);
            var model = policy.Model;
            var findings = Findings(model);

            var dead = findings.Where(f => f.Kind is DiagnosticIds.UnreachableRule or DiagnosticIds.DuplicateRule or DiagnosticIds.RuleSameAsDefault).ToList();
            var rules = new List<RuleModel>();
            foreach (var rule in model.Rules)
            {
                if (dead.Any(f => f.RuleIndex == rule.Index && f.Site == LocationSite.Policy)) continue;
                var names = rule.Syscalls.Where((_, n) => !dead.Any(f => f.RuleIndex == rule.Index && f.NameIndex == n)).ToArray();
                rules.Add(rule with { Syscalls = EquatableArray.From(names) });
            }
            removed += model.Rules.Sum(r => r.Syscalls.Count) - rules.Sum(r => r.Syscalls.Count);
            var pruned = model with { Rules = EquatableArray.From(rules) };

            foreach (var target in model.Architectures)
            {
                var arch = ArchInfo.Get(target);
                var before = PolicyCompiler.Compile(model).Program(target).Resolved;
                var after = PolicyCompiler.Compile(pruned).Program(target).Resolved;
                for (int k = 0; k < 300; k++)
                {
                    var (_, nr, args) = RandomPolicies.RandomCall(rng, arch, policy);
                    Assert.Equal(ReferenceEvaluator.Evaluate(before, arch.AuditArch, nr, args), ReferenceEvaluator.Evaluate(after, arch.AuditArch, nr, args));
                }
            }

            foreach (var f in findings.Where(f => f.Kind is DiagnosticIds.ConditionNeverTrue or DiagnosticIds.ConditionAlwaysTrue
                && (f.Message.Contains("the condition is never true:") || f.Message.Contains("the condition is always true:"))))
            {
                constant++;
                var rule = model.Rules[f.RuleIndex];
                foreach (var target in model.Architectures)
                    foreach (var (name, _) in PolicyResolver.Expand(rule, ArchInfo.Get(target)))
                    {
                        var condition = ArgumentSetsTests.Bind(rule.When!, name, target);
                        for (int k = 0; k < 100; k++)
                        {
                            var (_, _, args) = RandomPolicies.RandomCall(rng, ArchInfo.Get(target), policy);
                            Assert.Equal(f.Kind == DiagnosticIds.ConditionAlwaysTrue, ReferenceEvaluator.Holds(condition, args));
                        }
                    }
            }
        }
        _out.WriteLine($"{removed} dead names removed, {constant} constant conditions checked");
        Assert.True(removed > 0);
    }
}
