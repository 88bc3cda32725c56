using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using Seccomp.Tests.Support;
using Xunit;

namespace Seccomp.Tests;

/// <summary>
/// In-process reports of a real Kestrel app (tests/Seccomp.TestWeb, mode "reports"): the hosting package reads the
/// switches from configuration and logs through the host's JSON console logger (docs/reports.md).
/// </summary>
[Trait(TestCategories.Name, TestCategories.Kernel)]
public class KernelWebReportTests
{
    private static List<JsonElement> SeccompLogs(string stdout) =>
        stdout.Split('\n')
            .Where(l => l.TrimStart().StartsWith("{", StringComparison.Ordinal))
            .Select(l => { try { return (JsonElement?)JsonDocument.Parse(l).RootElement; } catch (JsonException) { return null; } })
            .Where(e => e is { } j && j.TryGetProperty("Category", out var c) && c.GetString() == "Seccomp" && j.GetProperty("EventId").GetInt32() is 1 or 2)
            .Select(e => e!.Value)
            .ToList();

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public async Task UnderComplainTheAppServesEveryRouteAndItsLogNamesTheMissingCall(ChildRuntime runtime)
    {
        using var app = await WebApp.StartAsync(runtime, "reports", new[] { "--Seccomp:Complain=true" });
        Assert.True(app.Url.Length > 0, app.Output);
        Assert.Equal("ok", await app.GetAsync("/"));
        Assert.Equal("0", await app.GetAsync("/getpgid")); // ran: complain mode
        Assert.Equal("ok", await app.GetAsync("/"));
        await Task.Delay(500); // the reporter drains every 20 ms; the console logger writes on its own thread
        // The meter, as an exporter's listener sees it: counter seccomp.violations, tagged syscall and action.
        Assert.Contains("getpgid/kill-process=1", (await app.GetAsync("/metrics")).Split(','));
        Assert.Equal("bye", await app.GetAsync("/quit"));
        Assert.True(app.WaitForExit() == 0, app.Output);
        var logs = SeccompLogs(app.Stdout);
        var getpgid = logs.FirstOrDefault(l => l.GetProperty("State").GetProperty("Syscall").GetString() == "getpgid");
        Assert.True(getpgid.ValueKind == JsonValueKind.Object, app.Output);
        var state = getpgid.GetProperty("State");
        Assert.Equal("complain", state.GetProperty("Mode").GetString());
        Assert.Equal("kill-process", state.GetProperty("Action").GetString());
        Assert.Equal("DefaultAction", state.GetProperty("Rule").GetString());
        Assert.Equal("x86_64", state.GetProperty("Architecture").GetString());
        Assert.StartsWith("0x0,", state.GetProperty("Arguments").GetString());
        Assert.Equal("Warning", getpgid.GetProperty("LogLevel").GetString());
    }

    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public async Task EnforcingWithReportsTheAppLogsTheKillingCallThenEndsWithSigsys(ChildRuntime runtime)
    {
        using var app = await WebApp.StartAsync(runtime, "reports", new[] { "--Seccomp:ReportViolations=true" });
        Assert.True(app.Url.Length > 0, app.Output);
        Assert.Equal("ok", await app.GetAsync("/"));
        await app.RequestFailsAsync("/getpgid");
        int exit = app.WaitForExit();
        Assert.True(exit == 128 + ChildProcess.SIGSYS, app.Output);
        // The line on stderr, written before the process ended, whatever the logger managed.
        Assert.Contains(app.Stderr.Split('\n'), l => l.StartsWith("seccomp-violation ", StringComparison.Ordinal)
            && l.Contains(" syscall=getpgid ") && l.Contains(" mode=enforce ") && l.Contains(" ends=process"));
    }

    /// <summary>Complain mode weakens the policy: an environment variable alone does not switch it on.</summary>
    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public async Task AnEnvironmentVariableAloneDoesNotSwitchComplainModeOn(ChildRuntime runtime)
    {
        using var app = await WebApp.StartAsync(runtime, "reports", new[] { "--Seccomp:ReportViolations=true" },
            new Dictionary<string, string> { ["Seccomp__Complain"] = "true" });
        Assert.True(app.Url.Length > 0, app.Output);
        await app.RequestFailsAsync("/getpgid");
        Assert.True(app.WaitForExit() == 128 + ChildProcess.SIGSYS, app.Output);
    }
}
