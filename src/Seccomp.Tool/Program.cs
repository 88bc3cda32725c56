// dotnet-seccomp: record what a .NET program calls, read kernel audit lines, and write a policy class from both.
// One file per verb under Commands/; this file only assembles them and says how the tool fails.

using System;
using System.CommandLine;

namespace Seccomp.Tool;

internal static class Program
{
    private const string ExitCodesHelp =
        "Exit codes: 0 ok; 1 usage error; 2 `check`: the policy denied calls; 3 the kernel or CPU cannot record (Linux 5.5+ with USER_NOTIF needed; use `audit`); "
        + "4 unreadable or invalid input; 5 `check`: no policy built with SeccompAllowRecording was applied; 6 what the tool handed to the program was changed (nothing recorded); 125 internal failure; 127 the command could not be started; "
        + "otherwise `record` exits with the command's own exit code (128+N when a signal N killed it).";

    public static int Main(string[] args) => BuildRoot().Parse(args).Invoke();

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand(
            "dotnet-seccomp: record the syscalls a .NET program makes, read the kernel's seccomp audit lines, and write a "
            + "Seccomp.Generators policy class from recordings. " + ExitCodesHelp);
        root.Subcommands.Add(RecordCommand.Create());
        root.Subcommands.Add(AuditCommand.Create());
        root.Subcommands.Add(PolicyCommand.Create());
        root.Subcommands.Add(CheckCommand.Create());
        root.Subcommands.Add(ExplainCommand.Create());
        return root;
    }

    internal static int Fail(int code, string message)
    {
        Console.Error.WriteLine($"dotnet-seccomp: {message}");
        return code;
    }
}
