using Seccomp.Tests.Support;
using Xunit;

namespace Seccomp.Tests;

/// <summary>
/// Issue 12 on the real kernel, each in a child process: a refused probe, a refused install and their messages, a
/// policy applied twice, complain mode and clone3, and the two-phase pattern on the runtime group.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Kernel)]
public class KernelPhaseTests
{
    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void AProbeRefusedByAnInstalledFilterSaysSoAndIsNotCached(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "denied-probe");
        Assert.Equal("True", r["first_ok"]);
        Assert.Equal("False", r["second_ok"]);
        Assert.Equal("Probe", r["error_step"]);
        Assert.Equal("1", r["error_errno"]); // EPERM, from the first filter's [Deny("seccomp")]
        Assert.Contains("denied by a seccomp filter installed earlier", r["error_message"]);
        Assert.Contains("SECCOMP_RET_LOG", r["error_message"]);
        Assert.DoesNotContain("lacks", r["error_message"]);
        Assert.Contains("SECC0052", r["error_message"]);
        Assert.Contains("(errno 1, EPERM)", r["exception"]);
        Assert.Equal("DeniedByFilter", r["probe_again"]);
        Assert.Equal("1", r["probe_again_errno"]);
        Assert.Equal("1", r["seccomp_filters"]);
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void AnInstallRefusedByAnInstalledFilterNamesTheCauseAndTheFix(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "denied-install");
        Assert.Equal("False", r["second_ok"]);
        Assert.Equal("Install", r["error_step"]);
        Assert.Equal("1", r["error_errno"]);
        Assert.Contains("Likely cause: a seccomp filter installed earlier (Seccomp_filters: 1) denies seccomp(2)", r["error_message"]);
        Assert.Contains("[Allow(\"seccomp\", When = \"op in (SECCOMP_SET_MODE_FILTER, SECCOMP_GET_ACTION_AVAIL)\")]", r["error_message"]);
        Assert.Equal("1", r["seccomp_filters"]);
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void ApplyingAPolicyAgainIsANoOpThatReturnsTheFirstInstallation(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "apply-twice");
        Assert.Equal("True", r["same_installation"]);
        Assert.Equal("True", r["try_again"]);
        Assert.Equal("1", r["filters_after_repeat"]);
        // Another policy still stacks, once.
        Assert.Equal("2", r["seccomp_filters"]);
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void ComplainModeKeepsEnosysForClone3AndLogsWhatThePolicyWouldDeny(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "complain-clone3");
        Assert.Equal("38", r["clone3_errno"]);
        Assert.Equal("True", r["thread_ran"]);
        Assert.NotEqual("1", r["keyctl_errno"]); // reached the kernel: logged, not denied
        Assert.Equal("1", r["seccomp_filters"]);
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void TwoPhaseOnTheRuntimeGroupWithTheSeccompRule(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "runtime-two-phase");
        Assert.Equal("0", r["getpgid_during_startup"]);
        Assert.Equal("1", r["getpgid_errno_after"]);
        Assert.Equal("2", r["seccomp_filters"]);
    }
}
