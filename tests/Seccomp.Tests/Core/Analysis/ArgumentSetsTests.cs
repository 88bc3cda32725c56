using System;
using Seccomp.Compiler.Diagnostics;
using System.Collections.Generic;
using System.Linq;
using Seccomp.Compiler;
using Seccomp.Compiler.Analysis;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Policy;
using Seccomp.Tests.Support;
using Xunit;

namespace Seccomp.Tests.Analysis;

/// <summary>The exact sets of argument vectors agree with the reference evaluator, which the BPF is tested against.</summary>
public class ArgumentSetsTests
{
    internal static Condition Bind(string when, string syscall, CoreArch arch = CoreArch.X86_64)
    {
        var c = ConditionBinder.Bind(when, syscall, ArchInfo.Get(arch), out var problems);
        Assert.True(problems.Count == 0, string.Join("; ", problems.Select(p => p.Message)));
        return c!;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void MembershipMatchesTheReferenceEvaluatorOnRandomConditions(int seed)
    {
        var rng = new Random(seed);
        var sets = new ArgumentSets();
        for (int i = 0; i < 150; i++)
        {
            var arch = rng.Next(2) == 0 ? CoreArch.X86_64 : CoreArch.Aarch64;
            var policy = RandomPolicies.Create(rng, "P", conditions: true, new[] { arch }, maxRules: 3);
            foreach (var rule in policy.Model.Rules.Where(r => r.When != null))
            {
                string syscall = rule.Syscalls[0];
                var condition = Bind(rule.When!, syscall, arch);
                int set = sets.Of(condition);
                for (int k = 0; k < 60; k++)
                {
                    var (_, _, args) = RandomPolicies.RandomCall(rng, ArchInfo.Get(arch), policy);
                    Assert.True(ReferenceEvaluator.Holds(condition, args) == sets.Contains(set, args),
                        $"{syscall} when {rule.When}: args {string.Join(",", args.Select(a => a.ToString("x")))}");
                }
                // An example of a non-empty set is in it.
                if (sets.Example(set) is { } example) Assert.True(ReferenceEvaluator.Holds(condition, example));
                else Assert.Equal(ArgumentSets.False, set);
            }
        }
    }

    [Fact]
    public void SameMeaningWrittenDifferentlyIsTheSameSet()
    {
        var sets = new ArgumentSets();
        int a = sets.Of(Bind("flags & O_CREAT", "openat"));
        int b = sets.Of(Bind("(flags & O_CREAT) != 0", "openat"));
        int c = sets.Of(Bind("!((flags & O_CREAT) == 0)", "openat"));
        Assert.Equal(a, b);
        Assert.Equal(a, c);
        Assert.Equal(sets.Of(Bind("fd in (1, 2, 3)", "read")), sets.Of(Bind("fd >= 1 && fd <= 3", "read")));
        Assert.Equal(ArgumentSets.True, sets.Of(Bind("fd < 5 || fd >= 5", "read")));
    }

    [Fact]
    public void WidthSignAndMaskFollowTheCType()
    {
        var sets = new ArgumentSets();
        // unsigned: nothing below 0, everything at least 0.
        Assert.Equal(ArgumentSets.False, sets.Of(Bind("count < 0", "read")));
        Assert.Equal(ArgumentSets.True, sets.Of(Bind("count >= 0", "read")));
        // int dfd is signed 32-bit: negative values exist, and the high word is ignored.
        int negative = sets.Of(Bind("dfd < 0", "openat"));
        Assert.True(sets.Contains(negative, new[] { 0xffff_ff9cUL }));            // AT_FDCWD
        Assert.True(sets.Contains(negative, new[] { 0x1234_5678_ffff_ff9cUL }));  // garbage in the high word
        Assert.False(sets.Contains(negative, new[] { 0xffff_ffff_0000_0005UL }));
        // A masked value has no bits outside its mask.
        Assert.Equal(ArgumentSets.False, sets.Of(Bind("(flags & 0x10) == 0x20", "openat")));
        Assert.Equal(ArgumentSets.True, sets.Of(Bind("(flags & 0x10) <= 0x10", "openat")));
        // Independent arguments combine exactly.
        int both = sets.Of(Bind("fd == 1 && count == 2", "read"));
        Assert.True(sets.Contains(both, new ulong[] { 1, 0xdead, 2 }));
        Assert.False(sets.Contains(both, new ulong[] { 1, 0xdead, 3 }));
        Assert.Equal(0b101, sets.Support(both));
    }

    [Fact]
    public void InclusionAndIntersection()
    {
        var sets = new ArgumentSets();
        int small = sets.Of(Bind("fd < 5", "read"));
        int large = sets.Of(Bind("fd < 10", "read"));
        Assert.True(sets.IsSubset(small, large));
        Assert.False(sets.IsSubset(large, small));
        Assert.True(sets.Intersects(small, large));
        Assert.False(sets.Intersects(small, sets.Of(Bind("fd > 7", "read"))));
        Assert.Equal(large, sets.Union(new[] { small, sets.Of(Bind("fd >= 5 && fd <= 9", "read")) }));
    }

    [Fact]
    public void TooLargeASetIsUnknownNotWrong()
    {
        var sets = new ArgumentSets(maxNodes: 50);
        Assert.Throws<ArgumentSetBudgetExceededException>(() => sets.Of(Bind("fd == 1 && count == 2 && (buf == 0 || fd != 7)", "read")));
    }

    [Fact]
    public void AnalysisOfAPolicyTooLargeForTheBudgetReportsOnlyWhatNeedsNoSets()
    {
        // The analysis never guesses: with the sets unknown it keeps only KILL_THREAD and Trace/Notify notes.
        var model = PolicyAnalysisTests.Policy(CoreVerdict.Allow,
            PolicyAnalysisTests.Rule(0, CoreVerdict.KillProcess, null, "ptrace"),
            PolicyAnalysisTests.Rule(1, CoreVerdict.Allow, "request == 1 && pid == 2 && addr == 3", "ptrace"),
            PolicyAnalysisTests.Rule(2, new CoreVerdict(CoreAction.KillThread, 0), null, "bpf"));
        var full = PolicyAnalysisTests.Findings(model);
        Assert.Contains(full, f => f.Kind == DiagnosticIds.UnreachableRule);
        var limited = PolicyAnalysis.Analyze(model, new ConditionBindings(), maxNodes: 40).Select(Finding.Of).ToList();
        Assert.Equal(new[] { DiagnosticIds.KillThread }, limited.Select(f => f.Kind));
    }
}
