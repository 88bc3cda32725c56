using System.Collections.Generic;
using System.Linq;
using Seccomp.Compiler;
using Seccomp.Compiler.Bpf;
using Seccomp.Compiler.Policy;
using Xunit;

namespace Seccomp.Tests;

/// <summary>
/// Feature detection and fallbacks for kernels that lack each feature, acted out by a replaced probe. Nothing is
/// installed: Plan() says what would be.
/// </summary>
public class LoaderPlanTests
{
    private sealed class Probe : ISeccompFeatureProbe
    {
        public HashSet<SeccompAction> MissingActions { get; } = new();
        public SeccompFilterFlags MissingFlags { get; set; }
        public bool IsActionAvailable(SeccompAction action) => !MissingActions.Contains(action);
        public bool IsFilterFlagSupported(SeccompFilterFlags flag) => (MissingFlags & flag) == 0;
    }

    /// <summary>A program that returns every action: one syscall each.</summary>
    private static IReadOnlyList<BpfInstruction> EveryAction()
    {
        var rules = new[]
        {
            new RuleModel(0, Seccomp.Compiler.Verdict.KillProcess, EquatableArray.From(new[] { "ptrace" }), null),
            new RuleModel(1, new Seccomp.Compiler.Verdict(ActionKind.KillThread, 0), EquatableArray.From(new[] { "kexec_load" }), null),
            new RuleModel(2, new Seccomp.Compiler.Verdict(ActionKind.Trap, 3), EquatableArray.From(new[] { "mount" }), null),
            new RuleModel(3, Seccomp.Compiler.Verdict.Errno(13), EquatableArray.From(new[] { "keyctl" }), null),
            new RuleModel(4, new Seccomp.Compiler.Verdict(ActionKind.Notify, 0), EquatableArray.From(new[] { "bpf" }), null),
            new RuleModel(5, new Seccomp.Compiler.Verdict(ActionKind.Trace, 9), EquatableArray.From(new[] { "uname" }), null),
            new RuleModel(6, new Seccomp.Compiler.Verdict(ActionKind.Log, 0), EquatableArray.From(new[] { "connect" }), null),
        };
        var model = new PolicyModel(Seccomp.Compiler.Verdict.Allow, Seccomp.Compiler.Verdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
            EquatableArray.From(new[] { TargetArch.X86_64 }), EquatableArray.From(rules));
        return PropertyTests.CompileProgram(model, TargetArch.X86_64).Instructions;
    }

    private static string VerdictOf(SeccompLoader.InstallPlan plan, string syscall)
    {
        var program = new SeccompProgram(SeccompArch.X86_64, BpfInstruction.ToBytes(plan.Program ?? throw new Xunit.Sdk.XunitException("the plan left the program unchanged")));
        return SeccompLoader.Evaluate(program, syscall, new ulong[6]).ToString();
    }

    [Fact]
    public void AFullKernelGetsTheProgramAsItIsWithTsync()
    {
        var program = EveryAction();
        var plan = SeccompLoader.Plan(program, new SeccompOptions(), false, new Probe());
        Assert.Null(plan.Error);
        Assert.Empty(plan.Fallbacks);
        Assert.Equal(SeccompFilterFlags.Tsync, plan.Flags);
        Assert.Null(plan.Program); // installed as generated
    }

    [Fact]
    public void WithoutKillProcessKillThreadIsUsedAndReported()
    {
        var probe = new Probe { MissingActions = { SeccompAction.KillProcess } };
        var plan = SeccompLoader.Plan(EveryAction(), new SeccompOptions(), false, probe);
        Assert.Null(plan.Error);
        Assert.Equal("KILL_THREAD", VerdictOf(plan, "ptrace"));
        Assert.False(Assert.Single(plan.Fallbacks).Weaker);
    }

    [Theory]
    [InlineData(SeccompAction.Notify, "bpf")]
    [InlineData(SeccompAction.Trace, "uname")]
    public void WithoutNotifyOrTraceTheCallGetsEnosysAsWithNoSupervisor(SeccompAction missing, string syscall)
    {
        var probe = new Probe { MissingActions = { missing } };
        var plan = SeccompLoader.Plan(EveryAction(), new SeccompOptions(), false, probe);
        Assert.Null(plan.Error);
        Assert.Equal("ERRNO(38)", VerdictOf(plan, syscall));
    }

    [Fact]
    public void WithoutLogTheInstallFailsUnlessWeakerFallbacksAreAllowed()
    {
        var probe = new Probe { MissingActions = { SeccompAction.Log } };
        var strict = SeccompLoader.Plan(EveryAction(), new SeccompOptions(), false, probe);
        Assert.Contains("SECCOMP_RET_LOG", strict.Error);
        Assert.Contains("AllowWeakerFallbacks", strict.Error);

        var weak = SeccompLoader.Plan(EveryAction(), new SeccompOptions { AllowWeakerFallbacks = true }, false, probe);
        Assert.Null(weak.Error);
        Assert.Equal("ALLOW", VerdictOf(weak, "connect"));
        Assert.True(Assert.Single(weak.Fallbacks).Weaker);
    }

    [Theory]
    [InlineData(SeccompAction.Errno)]
    [InlineData(SeccompAction.Trap)]
    [InlineData(SeccompAction.KillThread)]
    public void WithoutAnActionThatHasNoSafeSubstituteTheInstallFails(SeccompAction missing)
    {
        var probe = new Probe { MissingActions = { missing } };
        var plan = SeccompLoader.Plan(EveryAction(), new SeccompOptions { AllowWeakerFallbacks = true }, false, probe);
        Assert.NotNull(plan.Error);
        Assert.Contains("the kernel lacks", plan.Error);
    }

    [Fact]
    public void WithoutTsyncTheInstallFailsUnlessWeakerFallbacksAreAllowed()
    {
        var probe = new Probe { MissingFlags = SeccompFilterFlags.Tsync };
        Assert.Contains("TSYNC", SeccompLoader.Plan(EveryAction(), new SeccompOptions(), false, probe).Error);
        var weak = SeccompLoader.Plan(EveryAction(), new SeccompOptions { AllowWeakerFallbacks = true }, false, probe);
        Assert.Null(weak.Error);
        Assert.Equal(SeccompFilterFlags.None, weak.Flags);
        Assert.True(Assert.Single(weak.Fallbacks).Weaker);
    }

    [Fact]
    public void WithoutFlagLogTheFilterIsInstalledWithoutIt()
    {
        var probe = new Probe { MissingFlags = SeccompFilterFlags.Log };
        var plan = SeccompLoader.Plan(EveryAction(), new SeccompOptions { LogDenied = true }, false, probe);
        Assert.Null(plan.Error);
        Assert.Equal(SeccompFilterFlags.Tsync, plan.Flags);
        Assert.Contains("SECCOMP_FILTER_FLAG_LOG", Assert.Single(plan.Fallbacks).Feature);
        Assert.Equal(SeccompFilterFlags.Tsync | SeccompFilterFlags.Log,
            SeccompLoader.Plan(EveryAction(), new SeccompOptions(), true, new Probe()).Flags);
    }

    [Fact]
    public void AListenerNeedsNewListenerAndTsyncEsrch()
    {
        var ok = SeccompLoader.Plan(EveryAction(), new SeccompOptions { CreateListener = true }, false, new Probe());
        Assert.Equal(SeccompFilterFlags.Tsync | SeccompFilterFlags.NewListener | SeccompFilterFlags.TsyncEsrch, ok.Flags);
        Assert.Contains("NEW_LISTENER", SeccompLoader.Plan(EveryAction(), new SeccompOptions { CreateListener = true }, false,
            new Probe { MissingFlags = SeccompFilterFlags.NewListener }).Error);
        Assert.Contains("TSYNC_ESRCH", SeccompLoader.Plan(EveryAction(), new SeccompOptions { CreateListener = true }, false,
            new Probe { MissingFlags = SeccompFilterFlags.TsyncEsrch }).Error);
        // With a listener asked for, USER_NOTIF must not quietly become ENOSYS.
        Assert.Contains("USER_NOTIF", SeccompLoader.Plan(EveryAction(), new SeccompOptions { CreateListener = true }, false,
            new Probe { MissingActions = { SeccompAction.Notify } }).Error);
    }

    [Fact]
    public void ComplainModeTurnsEveryDenyingActionIntoLog()
    {
        var plan = SeccompLoader.Plan(EveryAction(), new SeccompOptions { Complain = true }, false, new Probe());
        foreach (var syscall in new[] { "ptrace", "kexec_load", "mount", "keyctl", "bpf", "uname", "connect" })
            Assert.Equal("LOG", VerdictOf(plan, syscall));
        Assert.Equal("ALLOW", VerdictOf(plan, "read"));
        // Including the bad-arch and unknown-syscall actions.
        var program = new SeccompProgram(SeccompArch.X86_64, BpfInstruction.ToBytes(plan.Program!));
        Assert.Equal("LOG", program.Run(new SeccompData(0, 0x40000003, 0, default), out _).ToString());
        Assert.Equal("LOG", program.Run(100000).ToString());
    }
}
