using System.IO;
using System.Linq;
using Xunit;

namespace Seccomp.Tool.Tests;

/// <summary>
/// `policy` reads the API areas an app's code calls from its IL (ApiUse), and allows their groups where the recording
/// never went there. Read from the apps the tests build: what each calls is known from their source.
/// </summary>
public class ApiUseTests
{
    private static string App(string name) =>
        Path.Combine(ProcessRunner.RepoRoot, "tests", "Seccomp.Tool.Tests", name, "bin", ProcessRunner.Configuration, "net10.0", name + ".dll");

    [Fact]
    public void The_web_app_calls_sqlite_an_http_client_and_a_listener_and_its_dependencies_are_read_but_not_the_framework()
    {
        var found = ApiUse.Scan(App("TrialWebApp"), out var scanned);
        Assert.Equal(new[] { "@aspnetcore", "@http-client", "@sqlite" }, found.Keys.ToArray());
        Assert.Contains("SqliteConnection", found["@sqlite"]);
        Assert.Contains("WebApplication", found["@aspnetcore"]);
        Assert.Contains("HttpClient", found["@http-client"]);
        Assert.Equal("TrialWebApp.dll", scanned[0]);
        Assert.Contains("Microsoft.Data.Sqlite.dll", scanned); // a NuGet dependency beside the app
        Assert.DoesNotContain(scanned, s => s.StartsWith("System.", System.StringComparison.Ordinal) || s.StartsWith("Microsoft.AspNetCore", System.StringComparison.Ordinal));
    }

    [Fact]
    public void The_console_tool_moves_files_and_starts_a_child_and_nothing_else()
    {
        var found = ApiUse.Scan(App("TrialConsoleApp"), out var scanned);
        Assert.Equal(new[] { "@file-system", "@process" }, found.Keys.ToArray());
        Assert.Equal(new[] { "File.Move" }, found["@file-system"].ToArray());
        Assert.Contains("Process.Start", found["@process"]);
        Assert.Equal(new[] { "TrialConsoleApp.dll" }, scanned.ToArray());
    }

    [Fact]
    public void An_app_that_is_not_an_assembly_is_refused_with_one_line()
    {
        string dir = ProcessRunner.TempDir();
        string rec = Path.Combine(dir, "r.json");
        File.WriteAllText(rec, """{ "version": 1, "source": "record", "architectures": { "x86_64": { "getpgid": { "nr": 121, "count": 1 } } } }""");
        string notAnAssembly = Path.Combine(dir, "app.dll");
        File.WriteAllText(notAnAssembly, "MZ but not a PE file");
        var r = ProcessRunner.Tool("policy", rec, "--class", "A.B", "-o", Path.Combine(dir, "B.cs"), "--app", notAnAssembly);
        Assert.Equal(4, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.StartsWith("dotnet-seccomp: --app: not a .NET assembly", r.Stderr);
        Assert.False(File.Exists(Path.Combine(dir, "B.cs")));

        var missing = ProcessRunner.Tool("policy", rec, "--class", "A.B", "-o", Path.Combine(dir, "B.cs"), "--app", Path.Combine(dir, "none.dll"));
        Assert.Equal(4, missing.ExitCode);
        Assert.Contains("--app:", missing.Stderr);
        Assert.Contains("does not exist", missing.Stderr);
    }
}
