using Seccomp.Tests.Support;
using Xunit;

namespace Seccomp.Tests;

/// <summary>
/// Issue 17: the red-team's attacks on the loader, replayed on the real kernel, each in a child process.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Kernel)]
public class KernelSecurityTests
{
    /// <summary>
    /// Finding 5: an earlier filter answers the flag probe with EFAULT (so the flag looks supported) and the real install
    /// with ERRNO(0), or hands it to a supervisor that replies 0. seccomp(2) then "succeeds" and installs nothing: the
    /// loader must see that the kernel's filter count did not rise, and fail closed.
    /// </summary>
    [Theory]
    [InlineData("lying-filter")]
    [InlineData("lying-supervisor")]
    public void AFakeSuccessOfSeccompIsCaughtByTheFilterCount(string scenario)
    {
        var r = ChildProcess.RunToEnd(scenario);
        Assert.Equal("True", r["earlier_installed"]);
        Assert.Equal("False", r["tryapply"]);
        Assert.Equal("Verify", r["step"]);
        Assert.Contains("Seccomp_filters", r["message"]);
        Assert.Contains("the install did not happen", r["message"]);
        Assert.Equal("True", r["apply_threw"]);
        Assert.Equal("Verify", r["apply_step"]);
        Assert.Equal("1", r["seccomp_filters"]);      // only the liar's filter
        Assert.NotEqual("1", r["keyctl_errno"]);      // the policy's Deny("keyctl") (EPERM) is not in force, as reported
    }

    /// <summary>
    /// Item 6: a root process whose policy lets it open files can still write /proc/sys or other processes' memory;
    /// Apply() says so once, without failing. A policy that opens nothing has nothing to warn about.
    /// </summary>
    [Fact]
    public void ApplyWarnsWhenARootProcessMayOpenFiles()
    {
        Assert.True(System.Environment.IsPrivilegedProcess, "the tests run as root, as CI does");
        var r = ChildProcess.RunToEnd("privilege-warning");
        Assert.Equal("1", r["warnings"]);
        Assert.Contains("AllowPolicy is installed, but the process runs as root and holds CAP_SYS_ADMIN and holds CAP_SYS_PTRACE", r["warning"]);
        Assert.Contains("docs/limits.md", r["warning"]);
        var none = ChildProcess.RunToEnd("privilege-no-open");
        Assert.Equal("0", none["warnings"]);
    }
}
