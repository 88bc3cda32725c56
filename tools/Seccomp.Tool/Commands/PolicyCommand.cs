// `dotnet-seccomp policy REC... --class NS.Name -o FILE.cs [--default ACTION]`: merges recordings and writes (or adds
// to) a policy class through PolicyGenerator, then checks the file as written.

using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using Seccomp.Compiler;

namespace Seccomp.Tool;

internal static class PolicyCommand
{
    public static Command Create()
    {
        var recordings = new Argument<string[]>("recordings") { Description = "Recordings to merge (from record or audit).", Arity = ArgumentArity.OneOrMore };
        var cls = new Option<string>("--class") { Description = "The policy class, NAMESPACE.NAME (e.g. MyApp.Sandbox).", Required = true };
        var output = new Option<string>("--output", "-o")
        {
            Description = "The C# file to write. When it exists and declares the class, only missing rules are added; the user's rules stay.",
            Required = true,
        };
        var def = new Option<string>("--default")
        {
            Description = "What every other call gets (a new file only; an existing class keeps its own).",
            DefaultValueFactory = _ => "errno",
        };
        def.AcceptOnlyFromAmong("errno", "kill-process", "kill-thread", "trap", "log", "allow");
        var cmd = new Command("policy",
            "Write a [SeccompPolicy] class that allows @dotnet-runtime and every recorded call the group does not cover, narrowed "
            + "from the recorded values where that tightens a dangerous call (socket domain, ioctl request, prctl option, fcntl cmd, "
            + "setsockopt level, clone without namespace flags, no writable+executable mmap/mprotect). Every rule is checked with "
            + "the product's policy compiler; a rule it reports anything about is written as a comment. Rules written for calls "
            + "the analyzers hold dangerous are listed on stderr. Recordings are untrusted: a name not in the syscall tables "
            + "or a value that is not a number in range is refused. Exits 0, 1 on a usage error, 4 when a recording or the "
            + "existing file cannot be used.")
        {
            recordings, cls, output, def,
        };
        cmd.SetAction(pr =>
        {
            string full = pr.GetValue(cls)!;
            int dot = full.LastIndexOf('.');
            if (dot <= 0 || dot == full.Length - 1 || !full.Split('.').All(IsIdentifier))
                return Program.Fail(ExitCodes.Usage, $"--class must be NAMESPACE.NAME with C# identifiers, not '{full}'");
            var merged = new Recording { Source = "merged" };
            foreach (string path in pr.GetValue(recordings)!)
            {
                try
                {
                    merged.Merge(Recording.Read(path));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentException or NotSupportedException)
                {
                    // The reader's messages name the file and the entry, escaped to one line.
                    return Program.Fail(ExitCodes.BadInput, e is FormatException ? e.Message : $"cannot read {SourceText.Escape(path)}: {SourceText.Escape(e.Message)}");
                }
            }
            var options = new PolicyOptions
            {
                Namespace = full.Substring(0, dot),
                ClassName = full.Substring(dot + 1),
                Output = pr.GetValue(output)!,
                DefaultAction = pr.GetValue(def) switch
                {
                    "kill-process" => SeccompAction.KillProcess,
                    "kill-thread" => SeccompAction.KillThread,
                    "trap" => SeccompAction.Trap,
                    "log" => SeccompAction.Log,
                    "allow" => SeccompAction.Allow,
                    _ => SeccompAction.Errno,
                },
            };
            PolicyResult result;
            try
            {
                result = PolicyGenerator.Generate(merged, options);
            }
            catch (Exception e) when (e is FormatException or IOException)
            {
                return Program.Fail(ExitCodes.BadInput, e.Message);
            }
            File.WriteAllText(options.Output, result.Text);
            // Read the written class back and check it as the generator will see it.
            foreach (var d in PolicyGenerator.CheckFile(options.Output, options.ClassName))
                if (!result.Remaining.Contains(d)) result.Remaining.Add(d);
            foreach (var p in result.Skipped)
                Console.Error.WriteLine($"dotnet-seccomp: not allowed: {SourceText.Escape(p.Syscall)}: {SourceText.Escape(p.Skipped ?? "")}");
            foreach (var d in result.Remaining)
                Console.Error.WriteLine($"dotnet-seccomp: note: the policy compiler reports: {SourceText.Escape(d)}");
            foreach (string name in result.ListedButDenied)
                Console.Error.WriteLine($"dotnet-seccomp: note: {SourceText.Escape(name)} was recorded and the class's rules name it, but the class still denies it for what was recorded; left as the class says");
            foreach (string line in PolicyGenerator.DangerousAllowed(result))
                Console.Error.WriteLine($"dotnet-seccomp: {line}");
            Console.Error.WriteLine($"{(result.Updated ? "updated" : "wrote")} {full}: {result.Added.Count} rules added, {result.Covered} calls covered by @dotnet-runtime"
                + (result.AlreadyListed > 0 ? $", {result.AlreadyListed} already listed" : "")
                + (result.Skipped.Count > 0 ? $", {result.Skipped.Count} left as comments" : "")
                + $" -> {options.Output}");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static bool IsIdentifier(string s) =>
        s.Length > 0 && (char.IsLetter(s[0]) || s[0] == '_') && s.All(c => char.IsLetterOrDigit(c) || c == '_')
        && Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(s) == Microsoft.CodeAnalysis.CSharp.SyntaxKind.None;
}
