using System.Collections.Generic;
using System.Linq;
using Seccomp.Compiler;
using Seccomp.Bpf;
using Seccomp.Compiler.Policy;
using Xunit;

namespace Seccomp.Tests;

/// <summary>
/// Feature detection and fallbacks for kernels that lack each feature, acted out by a replaced probe. Nothing is
/// installed: Plan() says what would be.
/// </summary>
public class LoaderPlanTests
{
    /// <summary>The facts the generated code states; only LogDenied and the bad-architecture action matter to Plan().</summary>
    internal static SeccompPolicyFacts Facts(bool logDenied, SeccompVerdict? badArch = null) =>
        new("P", new[] { SeccompArch.X86_64 }) { LogDenied = logDenied, BadArchAction = badArch ?? new SeccompVerdict(SeccompAction.KillProcess) };

    private static readonly Seccomp.Common.ArchInfo X64 = Seccomp.Common.ArchInfo.Get(SeccompArch.X86_64);

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
            new RuleModel(0, CoreVerdict.KillProcess, EquatableArray.From(new[] { "ptrace" }), null),
            new RuleModel(1, new CoreVerdict(CoreAction.KillThread, 0), EquatableArray.From(new[] { "kexec_load" }), null),
            new RuleModel(2, new CoreVerdict(CoreAction.Trap, 3), EquatableArray.From(new[] { "mount" }), null),
            new RuleModel(3, CoreVerdict.Errno(13), EquatableArray.From(new[] { "keyctl" }), null),
            new RuleModel(4, new CoreVerdict(CoreAction.Notify, 0), EquatableArray.From(new[] { "bpf" }), null),
            new RuleModel(5, new CoreVerdict(CoreAction.Trace, 9), EquatableArray.From(new[] { "uname" }), null),
            new RuleModel(6, new CoreVerdict(CoreAction.Log, 0), EquatableArray.From(new[] { "connect" }), null),
        };
        var model = new PolicyModel(CoreVerdict.Allow, CoreVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
            EquatableArray.From(new[] { CoreArch.X86_64 }), EquatableArray.From(rules));
        return PropertyTests.CompileProgram(model, CoreArch.X86_64).Instructions; // the runtime's instruction type
    }

    private static string VerdictOf(InstallPlan plan, string syscall)
    {
        var program = new SeccompProgram(SeccompArch.X86_64, BpfInstruction.ToBytes(plan.Program ?? throw new Xunit.Sdk.XunitException("the plan left the program unchanged")));
        return SeccompLoader.Evaluate(program, syscall, new ulong[6]).ToString();
    }

    [Fact]
    public void RecordingModeReadsTheFdsLowWordOnABigEndianKernel()
    {
        // s390x: the handshake's fd is the low word of args[0], 4 bytes into it.
        var s390x = Seccomp.Common.ArchInfo.Get(SeccompArch.S390x);
        var program = InstallPlanner.ForRecording(new[] { BpfInstruction.Stmt(Op.RET | Op.K, new SeccompVerdict(SeccompAction.Errno, 1).ToKernel()) },
            s390x, new SeccompVerdict(SeccompAction.KillProcess), fdOut: 41, fdIn: 42);
        var p = new SeccompProgram(SeccompArch.S390x, BpfInstruction.ToBytes(program, bigEndian: true));
        Assert.True(s390x.TryGetNumber("write", out int write));
        Assert.Equal("ALLOW", p.Run(write, 41, 0, 16).ToString());
        Assert.NotEqual("ALLOW", p.Run(write, 41UL << 32, 0, 16).ToString());
    }

    [Fact]
    public void RecordingModeSendsEveryDenialToTheToolAndKeepsTheRest()
    {
        var program = InstallPlanner.ForRecording(EveryAction(), X64, new SeccompVerdict(SeccompAction.KillProcess), fdOut: 41, fdIn: 42);
        Assert.Empty(BpfVerifier.Verify(program));
        var p = new SeccompProgram(SeccompArch.X86_64, BpfInstruction.ToBytes(program));
        string V(string syscall, params ulong[] args) => SeccompLoader.Evaluate(p, syscall, args.Length == 0 ? new ulong[6] : args).ToString();
        foreach (var denied in new[] { "ptrace", "kexec_load", "mount", "keyctl", "uname" })
            Assert.Equal("USER_NOTIF", V(denied));
        Assert.Equal("USER_NOTIF", V("bpf"));         // a Notify rule stays (check answers ENOSYS, as with no listener)
        Assert.Equal("LOG", V("connect"));
        Assert.Equal("ALLOW", V("getpid"));
        Assert.Equal("ALLOW", V("write", 41, 0, 16)); // the handshake's two calls
        Assert.Equal("ALLOW", V("read", 42, 0, 1));
        Assert.Equal("ALLOW", V("write", 1, 0, 16));  // the policy's own answer otherwise (ALLOW default here)
        // Another ABI still gets the declared bad-architecture answer, not a notification.
        Assert.Equal("KILL_PROCESS", p.Run(new SeccompData(1, 0x40000003, 0, new ulong[6]), out _).ToString());
        Assert.Equal("KILL_PROCESS", p.Run(new SeccompData(0x40000001, p.AuditArch, 0, new ulong[6]), out _).ToString());
    }

    [Fact]
    public void AFullKernelGetsTheProgramAsItIsWithTsync()
    {
        var program = EveryAction();
        var plan = InstallPlanner.Plan(program, new SeccompOptions(), Facts(false), X64, new Probe());
        Assert.Null(plan.Error);
        Assert.Empty(plan.Fallbacks);
        Assert.Equal(SeccompFilterFlags.Tsync, plan.Flags);
        Assert.Null(plan.Program); // installed as generated
    }

    [Fact]
    public void WithoutKillProcessKillThreadIsUsedAndReported()
    {
        var probe = new Probe { MissingActions = { SeccompAction.KillProcess } };
        var plan = InstallPlanner.Plan(EveryAction(), new SeccompOptions(), Facts(false), X64, probe);
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
        var plan = InstallPlanner.Plan(EveryAction(), new SeccompOptions(), Facts(false), X64, probe);
        Assert.Null(plan.Error);
        Assert.Equal("ERRNO(38)", VerdictOf(plan, syscall));
    }

    [Fact]
    public void WithoutLogTheInstallFailsUnlessWeakerFallbacksAreAllowed()
    {
        var probe = new Probe { MissingActions = { SeccompAction.Log } };
        var strict = InstallPlanner.Plan(EveryAction(), new SeccompOptions(), Facts(false), X64, probe);
        Assert.Contains("SECCOMP_RET_LOG", strict.Error);
        Assert.Contains("AllowWeakerFallbacks", strict.Error);

        var weak = InstallPlanner.Plan(EveryAction(), new SeccompOptions { AllowWeakerFallbacks = true }, Facts(false), X64, probe);
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
        var plan = InstallPlanner.Plan(EveryAction(), new SeccompOptions { AllowWeakerFallbacks = true }, Facts(false), X64, probe);
        Assert.NotNull(plan.Error);
        Assert.Contains("the kernel lacks", plan.Error);
    }

    [Fact]
    public void WithoutTsyncTheInstallFailsUnlessWeakerFallbacksAreAllowed()
    {
        var probe = new Probe { MissingFlags = SeccompFilterFlags.Tsync };
        Assert.Contains("TSYNC", InstallPlanner.Plan(EveryAction(), new SeccompOptions(), Facts(false), X64, probe).Error);
        var weak = InstallPlanner.Plan(EveryAction(), new SeccompOptions { AllowWeakerFallbacks = true }, Facts(false), X64, probe);
        Assert.Null(weak.Error);
        Assert.Equal(SeccompFilterFlags.None, weak.Flags);
        Assert.True(Assert.Single(weak.Fallbacks).Weaker);
    }

    [Fact]
    public void WithoutFlagLogTheFilterIsInstalledWithoutIt()
    {
        var probe = new Probe { MissingFlags = SeccompFilterFlags.Log };
        var plan = InstallPlanner.Plan(EveryAction(), new SeccompOptions { LogDenied = true }, Facts(false), X64, probe);
        Assert.Null(plan.Error);
        Assert.Equal(SeccompFilterFlags.Tsync, plan.Flags);
        Assert.Contains("SECCOMP_FILTER_FLAG_LOG", Assert.Single(plan.Fallbacks).Feature);
        Assert.Equal(SeccompFilterFlags.Tsync | SeccompFilterFlags.Log,
            InstallPlanner.Plan(EveryAction(), new SeccompOptions(), Facts(true), X64, new Probe()).Flags);
    }

    [Fact]
    public void AListenerNeedsNewListenerAndTsyncEsrch()
    {
        var ok = InstallPlanner.Plan(EveryAction(), new SeccompOptions { CreateListener = true }, Facts(false), X64, new Probe());
        Assert.Equal(SeccompFilterFlags.Tsync | SeccompFilterFlags.NewListener | SeccompFilterFlags.TsyncEsrch, ok.Flags);
        Assert.Contains("NEW_LISTENER", InstallPlanner.Plan(EveryAction(), new SeccompOptions { CreateListener = true }, Facts(false), X64,
            new Probe { MissingFlags = SeccompFilterFlags.NewListener }).Error);
        Assert.Contains("TSYNC_ESRCH", InstallPlanner.Plan(EveryAction(), new SeccompOptions { CreateListener = true }, Facts(false), X64,
            new Probe { MissingFlags = SeccompFilterFlags.TsyncEsrch }).Error);
        // With a listener asked for, USER_NOTIF must not quietly become ENOSYS.
        Assert.Contains("USER_NOTIF", InstallPlanner.Plan(EveryAction(), new SeccompOptions { CreateListener = true }, Facts(false), X64,
            new Probe { MissingActions = { SeccompAction.Notify } }).Error);
    }

    [Fact]
    public void ComplainModeTurnsEveryDenyingRuleIntoLogButKeepsTheArchitectureCheckAndEnosys()
    {
        var plan = InstallPlanner.Plan(EveryAction(), new SeccompOptions { Complain = true }, Facts(false), X64, new Probe());
        foreach (var syscall in new[] { "ptrace", "kexec_load", "mount", "keyctl", "bpf", "uname", "connect" })
            Assert.Equal("LOG", VerdictOf(plan, syscall));
        Assert.Equal("ALLOW", VerdictOf(plan, "read"));
        var program = new SeccompProgram(SeccompArch.X86_64, BpfInstruction.ToBytes(plan.Program!));
        // Another ABI (i386 int 0x80) and x32 numbers still get the bad-arch action as declared: complain mode is about
        // what the policy would deny, not a way around the architecture check.
        Assert.Equal("KILL_PROCESS", program.Run(new SeccompData(0, 0x40000003, 0, default), out _).ToString());
        Assert.Equal("KILL_PROCESS", program.Run(0x40000000 + 1).ToString());
        // ENOSYS for calls newer than the policy is an answer given on purpose (libc falls back): kept.
        Assert.Equal("ERRNO(38)", program.Run(100000).ToString());
    }

    [Fact]
    public void ComplainModeAndRecordingAnswerOtherAbisWithTheBadArchitectureActionTheFactsState()
    {
        // The facts say ERRNO(13); the program's own architecture check is not read (here it even says KILL_PROCESS).
        var facts = Facts(false, new SeccompVerdict(SeccompAction.Errno, 13));
        var plan = InstallPlanner.Plan(EveryAction(), new SeccompOptions { Complain = true }, facts, X64, new Probe());
        var complained = new SeccompProgram(SeccompArch.X86_64, BpfInstruction.ToBytes(plan.Program!));
        Assert.Equal("ERRNO(13)", complained.Run(new SeccompData(0, 0x40000003, 0, default), out _).ToString());
        Assert.Equal("ERRNO(13)", complained.Run(0x40000000 + 1).ToString());

        var recording = new SeccompProgram(SeccompArch.X86_64, BpfInstruction.ToBytes(
            InstallPlanner.ForRecording(EveryAction(), X64, facts.BadArchAction, fdOut: 41, fdIn: 42)));
        Assert.Equal("ERRNO(13)", recording.Run(new SeccompData(0, 0x40000003, 0, default), out _).ToString());
        Assert.Equal("ALLOW", recording.Run(new SeccompData(39, recording.AuditArch, 0, new ulong[6]), out _).ToString()); // getpid
    }

    [Fact]
    public void AProgramOfAnotherShapeKeepsTheStatedArchitectureGuardInComplainMode()
    {
        // No architecture check of its own at all (a hand-written program): the guard comes from the facts alone.
        var program = new[] { BpfInstruction.Stmt(Op.RET | Op.K, new SeccompVerdict(SeccompAction.Errno, 1).ToKernel()) };
        var plan = InstallPlanner.Plan(program, new SeccompOptions { Complain = true }, Facts(false, new SeccompVerdict(SeccompAction.Trap, 7)), X64, new Probe());
        var complained = new SeccompProgram(SeccompArch.X86_64, BpfInstruction.ToBytes(plan.Program!));
        Assert.Equal("TRAP(7)", complained.Run(new SeccompData(0, 0x40000003, 0, default), out _).ToString());
        Assert.Equal("LOG", complained.Run(0).ToString());
    }
}
