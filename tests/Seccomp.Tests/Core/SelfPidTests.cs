using System;
using System.Linq;
using Seccomp.Compiler;
using Seccomp.Compiler.Bpf;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Diagnostics;
using Seccomp.Compiler.Policy;
using Seccomp.Tests.Support;
using Xunit;

namespace Seccomp.Tests;

/// <summary>
/// SELF_PID: a comparison with the process's own pid, which the compiler leaves as a placeholder and lists, and the
/// runtime writes at install (issue 17: @dotnet-runtime's tgkill reaches only this thread group).
/// </summary>
public class SelfPidTests
{
    private static PolicyModel Policy(CoreVerdict defaultAction, params RuleModel[] rules) => new(
        defaultAction, CoreVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
        EquatableArray.From(new[] { CoreArch.X86_64, CoreArch.Aarch64, CoreArch.Riscv64 }), EquatableArray.From(rules));

    private static RuleModel Rule(int index, CoreVerdict action, string? when, params string[] names) =>
        new(index, action, EquatableArray.From(names), when);

    [Theory]
    [InlineData("tgid == SELF_PID")]
    [InlineData("tgid != SELF_PID")]
    [InlineData("tgid in (SELF_PID, 0)")]        // not folded into an equality set: the pid keeps a jump of its own
    [InlineData("tgid == SELF_PID || sig == 0")]
    public void EveryComparisonWithSelfPidIsListedAsAJeqOfThePlaceholder(string when)
    {
        var compilation = PolicyCompiler.Compile(Policy(CoreVerdict.Errno(1), Rule(0, CoreVerdict.Allow, when, "tgkill")));
        Assert.False(compilation.HasErrors, string.Join("; ", compilation.Errors.Select(e => e.Message)));
        foreach (var p in compilation.Programs)
        {
            // No literal here equals the placeholder, so every jump on it is the pid's, and each is listed once.
            int placeholders = p.Instructions.Count(i => i.K == CompareCondition.SelfPidPlaceholder && i.Code == (Op.JMP | Op.JEQ | Op.K));
            Assert.Single(p.ProcessIdSlots);
            Assert.Equal(placeholders, p.ProcessIdSlots.Count);
            foreach (int slot in p.ProcessIdSlots)
            {
                Assert.Equal(Op.JMP | Op.JEQ | Op.K, p.Instructions[slot].Code);
                Assert.Equal(CompareCondition.SelfPidPlaceholder, p.Instructions[slot].K);
            }
            // Patched with a pid, the program answers for that pid as the reference evaluator does for the placeholder.
            var bytes = Seccomp.ProcessId.Patch(p.ToBytes(), p.ProcessIdSlots.ToArray(), out var problem);
            Assert.Null(problem);
            var patched = new Seccomp.SeccompProgram((Seccomp.SeccompArch)p.Arch, bytes);
            var unpatched = new Seccomp.SeccompProgram((Seccomp.SeccompArch)p.Arch, p.ToBytes());
            ArchInfo.Get(p.Arch).TryGetNumber("tgkill", out int nr);
            ulong pid = (ulong)Environment.ProcessId;
            foreach (ulong sig in new ulong[] { 0, 15 })
            {
                Assert.Equal(unpatched.Run(nr, CompareCondition.SelfPidPlaceholder, 7, sig).ToString(), patched.Run(nr, pid, 7, sig).ToString());
                Assert.Equal(unpatched.Run(nr, 12345, 7, sig).ToString(), patched.Run(nr, 12345, 7, sig).ToString());
            }
        }
    }

    [Fact]
    public void TheRuntimeGroupListsTgkillsPidOnEveryArchitecture_AndAPolicyWithoutItListsNothing()
    {
        var withGroup = PolicyCompiler.Compile(Policy(CoreVerdict.KillProcess, Rule(0, CoreVerdict.Allow, null, "@dotnet-runtime")));
        Assert.All(withGroup.Programs, p => Assert.Single(p.ProcessIdSlots));
        var without = PolicyCompiler.Compile(Policy(CoreVerdict.KillProcess, Rule(0, CoreVerdict.Allow, null, "read", "tgkill")));
        Assert.All(without.Programs, p => Assert.Empty(p.ProcessIdSlots));
    }

    [Theory]
    [InlineData("tgid < SELF_PID")]
    [InlineData("(tgid & 0xff) == SELF_PID")]
    [InlineData("tgid == -SELF_PID")]
    [InlineData("tgid == (SELF_PID | 1)")]
    public void SelfPidOnlyComparesForEquality(string when)
    {
        var compilation = PolicyCompiler.Compile(Policy(CoreVerdict.Errno(1), Rule(0, CoreVerdict.Allow, when, "tgkill")));
        Assert.Contains(compilation.Errors, e => e.Id == DiagnosticIds.ConditionType && e.Message.Contains("SELF_PID"));
    }

    [Fact]
    public void SlotsThatDoNotHoldThePlaceholderAreRefused()
    {
        var p = PolicyCompiler.Compile(Policy(CoreVerdict.Errno(1), Rule(0, CoreVerdict.Allow, "tgid == SELF_PID", "tgkill"))).Programs[0];
        Assert.Null(Seccomp.ProcessId.Patch(p.ToBytes(), new[] { 0 }, out var problem));
        Assert.Contains("do not belong together", problem);
    }

    [Fact]
    public void TheGeneratedClassPassesTheSlotsAndSaysWhereThePidGoes()
    {
        string text = string.Join("\n", GeneratorHarness.Generate("""
            using Seccomp;
            [SeccompPolicy(DefaultAction = SeccompAction.KillProcess, Architectures = new[] { SeccompArch.X86_64 })]
            [Allow("@dotnet-runtime")]
            internal static partial class P;
            """));
        Assert.Contains("ProcessIdSlots = CurrentProcessIdSlots,", text);
        Assert.Contains("SeccompLoader.TryInstall(s_facts, CurrentProgram, options, out installation, out error)", text);
        Assert.Matches(@"global::Seccomp\.SeccompArch\.X86_64 => new int\[\] \{ \d+ \},", text);
        Assert.Contains("(k: this process's pid, written by Apply(); SELF_PID)", text);
    }
}
