using Seccomp.Tests.Support;
using Xunit;

namespace Seccomp.Tests;

/// <summary>Docker's default profile, written as attributes, installed by Apply() in a child .NET process.</summary>
[Trait(TestCategories.Name, TestCategories.Kernel)]
public class KernelDockerTests
{
    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void DockerProfileLetsDotnetRunDeniesKeyctlAndCoversEveryThread(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "docker");
        Assert.Equal("True", r["applied"]);
        Assert.Equal("-1", r["keyctl_result"]);
        Assert.Equal("1", r["keyctl_errno"]); // EPERM
        Assert.Equal("True", r["getpid_ok"]);
        Assert.Equal("True", r["late_thread_ran"]);
        Assert.Equal("True", r["gc_ok"]);
        Assert.Equal("True", r["file_read"]);
        // Threads started before Apply() (the runtime's own and three of ours) are filtered too: TSYNC.
        Assert.True(int.Parse(r["threads_before"]) >= 4, r.ToString());
        var modes = r["thread_modes"].Split(',');
        Assert.True(modes.Length >= 4);
        Assert.All(modes, m => Assert.Equal("2", m));
    }
}
