using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;

namespace Seccomp.Tool.Tests;

/// <summary>
/// Every -o is checked before any work starts (issue 21 item 1): a directory, a missing parent, a parent that is a
/// file or a place that takes no file is one line naming the path and exit code 4, and the recorded command never
/// runs. A write that fails at the end leaves the recording in a fallback file whose path is printed.
/// </summary>
public class OutputPathTests
{
    /// <summary>The places no -o can write. Tests run as root, so "not writable" is /proc (no new files) and a file as a parent.</summary>
    public static IEnumerable<object[]> Unwritable() => new[]
    {
        new object[] { "directory" },
        new object[] { "/nonexistent-seccomp-tests/x.json" },
        new object[] { "/etc/hostname/x.json" },
        new object[] { "/proc/x.json" },
    };

    private static string Resolve(string path, string dir) => path == "directory" ? dir : path;

    private static void AssertOneLine(ProcessRunner.Result r, string path)
    {
        Assert.True(r.ExitCode == 4, $"exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");
        Assert.Equal("", r.Stdout);
        string line = r.Stderr.TrimEnd('\n');
        Assert.DoesNotContain('\n', line);
        Assert.StartsWith($"dotnet-seccomp: cannot write {path}: ", line);
        Assert.DoesNotContain("   at ", line);
        Assert.DoesNotContain("Exception", line);
    }

    [Theory]
    [MemberData(nameof(Unwritable))]
    public void Record_refuses_an_unwritable_output_and_never_runs_the_command(string output)
    {
        string dir = ProcessRunner.TempDir();
        string marker = Path.Combine(dir, "ran");
        output = Resolve(output, dir);
        var r = ProcessRunner.Tool("record", "-o", output, "--", "/bin/sh", "-c", $"touch '{marker}'");
        AssertOneLine(r, output);
        Assert.False(File.Exists(marker), "the recorded command ran");
    }

    [Theory]
    [MemberData(nameof(Unwritable))]
    public void Policy_refuses_an_unwritable_output_before_reading_the_recordings(string output)
    {
        string dir = ProcessRunner.TempDir();
        output = Resolve(output, dir);
        // The recording does not exist: the output is what is reported, so it was checked first.
        var r = ProcessRunner.Tool("policy", Path.Combine(dir, "missing.json"), "--class", "App.Sandbox", "-o", output);
        AssertOneLine(r, output);
    }

    [Theory]
    [MemberData(nameof(Unwritable))]
    public void Audit_refuses_an_unwritable_output_before_reading_the_log(string output)
    {
        string dir = ProcessRunner.TempDir();
        output = Resolve(output, dir);
        var r = ProcessRunner.Tool("audit", Path.Combine(dir, "missing.log"), "-o", output);
        AssertOneLine(r, output);
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public void A_recording_whose_output_went_away_during_the_run_is_written_to_a_fallback_file()
    {
        string dir = ProcessRunner.TempDir();
        string sub = Path.Combine(dir, "out");
        Directory.CreateDirectory(sub);
        string output = Path.Combine(sub, "rec.json");
        // The command removes the directory -o points into: the check at the start passed, the write at the end fails.
        var r = ProcessRunner.Tool("record", "-o", output, "--", "/bin/sh", "-c", $"rm -rf '{sub}' && exec '{ProcessRunner.Dotnet}' '{ProcessRunner.RecordedApp}' status");
        Assert.True(r.ExitCode == 4, $"exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");
        Assert.DoesNotContain("   at ", r.Stderr);
        var m = Regex.Match(r.Stderr, $@"dotnet-seccomp: cannot write {Regex.Escape(output)}: [^\n]*; the recording was written to (\S+) instead\n");
        Assert.True(m.Success, r.Stderr);
        string fallback = m.Groups[1].Value;
        try
        {
            Assert.StartsWith(Path.GetTempPath(), fallback);
            var rec = JsonNode.Parse(File.ReadAllText(fallback))!;
            Assert.Equal(1, rec["version"]!.GetValue<int>());
            Assert.Equal("record", rec["source"]!.GetValue<string>());
            Assert.Contains(rec["command"]!.AsArray(), c => c!.GetValue<string>() == "/bin/sh");
            Assert.EndsWith($"-> {fallback}\n", r.Stderr);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(fallback));
        }
        finally
        {
            File.Delete(fallback);
        }
    }
}
