using System.Threading.Tasks;
using Seccomp.Tests.Support;
using Xunit;

namespace Seccomp.Tests;

/// <summary>
/// Issue 12: the README's two-phase pattern and the hosting package on a real Kestrel app (tests/Seccomp.TestWeb) and a
/// real generic host, each in a child process listening on 127.0.0.1.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Kernel)]
public class KernelWebTests
{
    /// <summary>Serves, shows two filters, and getpgid (allowed by the broad policy only) fails with EPERM; serving goes on.</summary>
    private static async Task AssertNarrowedAndServing(WebApp app)
    {
        Assert.True(app.Url.Length > 0, app.Output);
        Assert.Equal("ok", await app.GetAsync("/"));
        Assert.Equal("2", await app.GetAsync("/filters"));
        Assert.Equal("1", await app.GetAsync("/getpgid"));
        Assert.Equal("ok", await app.GetAsync("/"));
        Assert.Equal("bye", await app.GetAsync("/quit"));
        Assert.True(app.WaitForExit() == 0, app.Output);
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public async Task TheReadmeTwoPhasePatternServesAfterNarrowingOnApplicationStarted(ChildRuntime runtime)
    {
        using var app = await WebApp.StartAsync(runtime, "readme");
        await AssertNarrowedAndServing(app);
        Assert.DoesNotContain("FailFast", app.Output);
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public async Task KestrelServesUnderTheBroadPolicyThenUnderBoth(ChildRuntime runtime)
    {
        using var app = await WebApp.StartAsync(runtime, "gate");
        Assert.True(app.Url.Length > 0, app.Output);
        Assert.Equal("ok", await app.GetAsync("/"));
        Assert.Equal("1", await app.GetAsync("/filters"));
        Assert.Equal("0", await app.GetAsync("/getpgid"));
        Assert.Equal("narrowed", await app.GetAsync("/narrow"));
        await AssertNarrowedAndServing(app);
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public async Task TheHostingPackageNarrowsOnceTheHostHasStarted(ChildRuntime runtime)
    {
        using var app = await WebApp.StartAsync(runtime, "hosting");
        await AssertNarrowedAndServing(app);
        Assert.Contains("seccomp: NarrowSandbox (narrow policy) installed", app.Output);
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public async Task TheHostingPackageFailsTheHostStartWhenTheNarrowPolicyCannotBeInstalled(ChildRuntime runtime)
    {
        using var app = await WebApp.StartAsync(runtime, "hosting-fails");
        Assert.Equal("", app.Url); // ApplicationStarted never fired
        Assert.Equal(3, app.WaitForExit());
        Assert.Equal("SeccompException", app.Values["host_failed"]);
        Assert.Contains("Install:", app.Values["host_error"]);
        Assert.Contains("denies seccomp(2)", app.Values["host_error"]);
        Assert.Contains("(errno 1, EPERM)", app.Values["host_error"]);
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public async Task TheHostingPackageInstallsBothPhasesInAGenericHost(ChildRuntime runtime)
    {
        using var app = await WebApp.StartAsync(runtime, "generic-host");
        Assert.Equal(0, app.WaitForExit());
        Assert.True(app.Values.TryGetValue("started", out var started) && started == "True", app.Output);
        Assert.Equal("2", app.Values["filters"]);
        Assert.Equal("1", app.Values["getpgid_errno"]);
        Assert.Contains("seccomp: BroadSandbox (broad policy) installed", app.Output);
    }
}
