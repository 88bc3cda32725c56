using System.Collections.Generic;
using System.Linq;
using Seccomp.Bpf;
using Seccomp.Compiler;
using Seccomp.Compiler.Policy;
using Xunit;

namespace Seccomp.Tests;

/// <summary>
/// Issue 12, item 4: a probe that an installed filter refused is not a feature the kernel lacks. Acted out with a fake
/// probe; nothing is installed.
/// </summary>
public class DeniedProbeTests
{
    /// <summary>The facts the generated code states; only LogDenied and the bad-architecture action matter to Plan().</summary>
    private static SeccompPolicyFacts Facts(bool logDenied) => LoaderPlanTests.Facts(logDenied);

    private static readonly Seccomp.Common.ArchInfo X64 = Seccomp.Common.ArchInfo.Get(SeccompArch.X86_64);

    private sealed class RefusingProbe : ISeccompFeatureProbe
    {
        public HashSet<SeccompAction> Refused { get; } = new();
        public HashSet<SeccompAction> Missing { get; } = new();
        public bool IsActionAvailable(SeccompAction action) => ProbeAction(action, out _) == SeccompFeatureStatus.Supported;
        public bool IsFilterFlagSupported(SeccompFilterFlags flag) => true;
        public SeccompFeatureStatus ProbeAction(SeccompAction action, out int errno)
        {
            errno = Refused.Contains(action) ? 1 : 0;
            return Refused.Contains(action) ? SeccompFeatureStatus.DeniedByFilter
                : Missing.Contains(action) ? SeccompFeatureStatus.Unsupported : SeccompFeatureStatus.Supported;
        }
    }

    /// <summary>The old interface, implemented with the two bool methods only: the default members answer from them.</summary>
    private sealed class BoolOnlyProbe : ISeccompFeatureProbe
    {
        public bool IsActionAvailable(SeccompAction action) => action != SeccompAction.Log;
        public bool IsFilterFlagSupported(SeccompFilterFlags flag) => true;
    }

    private static IReadOnlyList<BpfInstruction> LogProgram()
    {
        var rules = new[] { new RuleModel(0, new CoreVerdict(CoreAction.Log, 0), EquatableArray.From(new[] { "connect" }), null) };
        var model = new PolicyModel(CoreVerdict.Allow, CoreVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
            EquatableArray.From(new[] { CoreArch.X86_64 }), EquatableArray.From(rules));
        return PropertyTests.CompileProgram(model, CoreArch.X86_64).Instructions;
    }

    [Fact]
    public void ARefusedProbeSaysDeniedByAnInstalledFilterWithItsErrno()
    {
        var probe = new RefusingProbe();
        probe.Refused.Add(SeccompAction.Log);
        var plan = InstallPlanner.Plan(LogProgram(), new SeccompOptions { AllowWeakerFallbacks = true }, Facts(false), X64, probe);
        Assert.True(plan.DeniedByFilter);
        Assert.Equal(1, plan.ErrorErrno);
        Assert.Contains("denied by a seccomp filter installed earlier", plan.Error);
        Assert.Contains("SECCOMP_RET_LOG", plan.Error);
        Assert.DoesNotContain("lacks", plan.Error);
        // No fallback is taken for a question that was never answered, even with weaker fallbacks allowed.
        Assert.Empty(plan.Fallbacks);
    }

    [Fact]
    public void AMissingFeatureStillSaysTheKernelLacksIt()
    {
        var probe = new RefusingProbe();
        probe.Missing.Add(SeccompAction.Log);
        var plan = InstallPlanner.Plan(LogProgram(), new SeccompOptions(), Facts(false), X64, probe);
        Assert.False(plan.DeniedByFilter);
        Assert.Contains("the kernel lacks SECCOMP_RET_LOG", plan.Error);
    }

    [Fact]
    public void AProbeWithOnlyTheBoolMethodsStillWorks()
    {
        ISeccompFeatureProbe probe = new BoolOnlyProbe();
        Assert.Equal(SeccompFeatureStatus.Unsupported, probe.ProbeAction(SeccompAction.Log, out int errno));
        Assert.Equal(0, errno);
        Assert.Equal(SeccompFeatureStatus.Supported, probe.ProbeFilterFlag(SeccompFilterFlags.Tsync, out _));
        var plan = InstallPlanner.Plan(LogProgram(), new SeccompOptions(), Facts(false), X64, probe);
        Assert.Contains("the kernel lacks SECCOMP_RET_LOG", plan.Error);
    }

    [Fact]
    public void ComplainModeKeepsTheGroupsEnosysForClone3()
    {
        var rules = new[] { new RuleModel(0, CoreVerdict.Allow, EquatableArray.From(new[] { "@dotnet-runtime" }), null) };
        var model = new PolicyModel(CoreVerdict.Errno(1), CoreVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
            EquatableArray.From(new[] { CoreArch.X86_64 }), EquatableArray.From(rules));
        var program = PropertyTests.CompileProgram(model, CoreArch.X86_64).Instructions;
        var plan = InstallPlanner.Plan(program, new SeccompOptions { Complain = true }, Facts(false), X64, new BoolOnlyProbe2());
        var complained = new SeccompProgram(SeccompArch.X86_64, BpfInstruction.ToBytes(plan.Program!));
        Assert.Equal("ERRNO(38)", complained.Run(435).ToString());      // clone3: the group's answer, on purpose
        Assert.Equal("LOG", complained.Run(250).ToString());            // keyctl: the policy would deny it, so LOG
        Assert.Equal("ALLOW", complained.Run(0).ToString());            // read
    }

    private sealed class BoolOnlyProbe2 : ISeccompFeatureProbe
    {
        public bool IsActionAvailable(SeccompAction action) => true;
        public bool IsFilterFlagSupported(SeccompFilterFlags flag) => true;
    }
}
