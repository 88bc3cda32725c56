using System.IO;
using Xunit;

namespace Seccomp.Tool.Tests;

/// <summary>How the command line is read (issue 21 item 5): `@` is an identifier character, never a response file.</summary>
public class CommandLineTests
{
    [Fact]
    public void An_at_sign_is_read_literally_not_as_a_response_file()
    {
        string dir = ProcessRunner.TempDir();
        string rec = Path.Combine(dir, "rec.json"), cs = Path.Combine(dir, "S.cs");
        File.WriteAllText(rec, "{ \"version\": 1, \"architectures\": {} }");
        // A file named like the would-be response file: were `@class.X` expanded, its text would become arguments.
        File.WriteAllText(Path.Combine(dir, "class.X"), "--default allow");
        var r = ProcessRunner.Run(ProcessRunner.Dotnet, new[] { ProcessRunner.ToolDll, "policy", rec, "--class", "@class.X", "-o", cs }, workingDirectory: dir);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("dotnet-seccomp: --class must be NAMESPACE.NAME with C# identifiers, not '@class.X'\n", r.Stderr);
        Assert.DoesNotContain("Response file", r.Stderr);
        Assert.False(File.Exists(cs));
    }

    [Fact]
    public void Usage_and_help_name_the_tool_as_it_is_installed()
    {
        var help = ProcessRunner.Tool("--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("Usage:\n  dotnet-seccomp [command] [options]", help.Stdout);
        Assert.DoesNotContain("Seccomp.Tool", help.Stdout);
        var record = ProcessRunner.Tool("record", "--help");
        Assert.Contains("dotnet-seccomp record <command>... [options]", record.Stdout);
        var usage = ProcessRunner.Tool("policy");
        Assert.Equal(1, usage.ExitCode);
        Assert.DoesNotContain("Seccomp.Tool", usage.Stdout + usage.Stderr);
        Assert.Contains("dotnet-seccomp policy", usage.Stdout + usage.Stderr);
    }
}
