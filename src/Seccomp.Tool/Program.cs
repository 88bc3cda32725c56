// dotnet-seccomp: record what a .NET program calls, read kernel audit lines, and write a policy class from both.
// One file per verb under Commands/; this file only assembles them and says how the tool fails.

using System;
using System.CommandLine;
using System.IO;
using System.CommandLine.Help;

namespace Seccomp.Tool;

internal static class Program
{
    private const string ExitCodesHelp =
        "Exit codes: 0 ok; 1 usage error; 2 `check`: the policy denied calls; 3 the kernel or CPU cannot record (Linux 5.5+ with USER_NOTIF needed; use `audit`); "
        + "4 an -o that cannot be written (checked first; a failed final write goes to a fallback file named on stderr), or unreadable or invalid input; 5 `check`: no policy built with SeccompAllowRecording was applied; 6 what the tool handed to the program was changed (nothing recorded); 125 internal failure; 127 the command could not be started; "
        + "otherwise `record` exits with the command's own exit code (128+N when a signal N killed it).";

    /// <summary>
    /// Response files are off: `@` begins group names here (`--allow-group @aspnetcore`, `--class @class.X` with C#'s
    /// verbatim identifiers), and System.CommandLine would otherwise read any `@word` as a file of more arguments.
    /// </summary>
    private static readonly ParserConfiguration s_parser = new() { ResponseFileTokenReplacer = null };

    public static int Main(string[] args)
    {
        try
        {
            return BuildRoot().Parse(args, s_parser).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file or device that failed under a verb (each verb names its own files where it can): one line, no stack
            // trace, which would tell the user nothing they can act on. Anything else is a bug and keeps its trace.
            return Fail(ExitCodes.BadInput, SourceText.Escape(e.Message));
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"dotnet-seccomp: internal error (please report it): {e}");
            return ExitCodes.Internal;
        }
    }

    /// <summary>
    /// A plain Command named as the installed tool, not a RootCommand: RootCommand names itself after the entry
    /// assembly (Seccomp.Tool), which is not what the user types. So help and version are added here by hand.
    /// </summary>
    public static Command BuildRoot()
    {
        var root = new Command("dotnet-seccomp",
            "dotnet-seccomp: record the syscalls a .NET program makes, read the kernel's seccomp audit lines, and write a "
            + "Seccomp.Generators policy class from recordings. " + ExitCodesHelp)
        {
            new HelpOption(),
            new VersionOption(),
        };
        root.Subcommands.Add(RecordCommand.Create());
        root.Subcommands.Add(AuditCommand.Create());
        root.Subcommands.Add(PolicyCommand.Create());
        root.Subcommands.Add(CheckCommand.Create());
        root.Subcommands.Add(ExplainCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(ImportCommand.Create());
        return root;
    }

    internal static int Fail(int code, string message)
    {
        Console.Error.WriteLine($"dotnet-seccomp: {message}");
        return code;
    }
}
