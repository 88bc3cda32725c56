using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;

namespace Seccomp.Tool.Tests;

/// <summary>
/// What `record` writes to the console (issue 21 items 2 and 6): with -o -, stdout is the recording alone and the
/// recorded program's output goes to stderr; on a terminal, one progress line rewritten in place; elsewhere, none.
/// </summary>
public class RecordConsoleTests
{
    private static readonly Regex s_progress = new(@"\r\[\d\d:\d\d:\d\d\] recording: \d+ distinct calls, \d+ notifications, \d+ processes");

    [Fact]
    public void Record_to_standard_output_writes_only_the_recording_and_the_program_s_output_goes_to_stderr()
    {
        // `status` prints /proc/self/status lines (Seccomp:, Uid:, ...) to its stdout.
        var r = ProcessRunner.Tool("record", "-o", "-", "--", ProcessRunner.Dotnet, ProcessRunner.RecordedApp, "status");
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");
        var rec = JsonNode.Parse(r.Stdout)!; // throws if anything but the recording is there
        Assert.Equal(1, rec["version"]!.GetValue<int>());
        Assert.Equal("record", rec["source"]!.GetValue<string>());
        Assert.DoesNotContain("Seccomp:", r.Stdout);
        Assert.Matches(@"(?m)^Seccomp:\s+2$", r.Stderr); // the program's own line, under the recorder's filter
        Assert.Matches(@"recorded \d+ distinct calls .* -> -\n$", r.Stderr);

        // And `policy` reads it from there.
        string dir = ProcessRunner.TempDir();
        string recFile = Path.Combine(dir, "rec.json");
        File.WriteAllText(recFile, r.Stdout);
        var p = ProcessRunner.Tool("policy", recFile, "--class", "App.Sandbox", "-o", Path.Combine(dir, "Sandbox.cs"));
        Assert.True(p.ExitCode == 0, p.Stderr);
    }

    [Fact]
    public void Record_shows_no_progress_when_stderr_is_not_a_terminal()
    {
        string output = Path.Combine(ProcessRunner.TempDir(), "rec.json");
        var r = ProcessRunner.Tool("record", "-o", output, "--", ProcessRunner.Dotnet, ProcessRunner.RecordedApp, "calls", "300", "4");
        Assert.True(r.ExitCode == 42, $"exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");
        Assert.DoesNotContain('\r', r.Stderr);
        Assert.DoesNotContain("recording:", r.Stderr);
        Assert.Matches(@"^recorded \d+ distinct calls \(\d+ notifications\) from \d+ threads in 1 processes -> .*\n$", r.Stderr);
    }

    [Fact]
    public void Record_shows_one_progress_line_rewritten_in_place_on_a_terminal()
    {
        string output = Path.Combine(ProcessRunner.TempDir(), "rec.json");
        // script(1) gives the tool a terminal for stdin, stdout and stderr, and copies what it writes to its own stdout.
        string command = string.Join(" ", new[] { ProcessRunner.Dotnet, ProcessRunner.ToolDll, "record", "-o", output, "--",
            ProcessRunner.Dotnet, ProcessRunner.RecordedApp, "calls", "300", "4" }.Select(a => "'" + a + "'"));
        var r = ProcessRunner.Run("script", new[] { "-qfec", command, "/dev/null" }, timeoutMs: 120_000);
        Assert.True(r.ExitCode == 42, $"exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");
        Assert.Matches(s_progress, r.Stdout);
        // Rewritten in place: no progress line ends with a line feed; the summary comes after it on a blanked line.
        Assert.DoesNotMatch(s_progress.ToString() + @"\s*\n", r.Stdout);
        Assert.Matches(@"\r +\rrecorded \d+ distinct calls \(\d+ notifications\) from \d+ threads in 1 processes -> ", r.Stdout);
        Assert.Equal(1, JsonNode.Parse(File.ReadAllText(output))!["version"]!.GetValue<int>());
    }
}
