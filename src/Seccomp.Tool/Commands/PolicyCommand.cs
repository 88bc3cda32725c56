// `dotnet-seccomp policy REC... --class NS.Name -o FILE.cs [--default ACTION]`: merges recordings and writes (or adds
// to) a policy class through PolicyGenerator, then checks the file as written.

using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text;
using Seccomp.Compiler;

namespace Seccomp.Tool;

internal static class PolicyCommand
{
    public static Command Create()
    {
        var recordings = new Argument<string[]>("recordings") { Description = "Recordings to merge (from record or audit), or logs of a policy's in-process reports (seccomp-violation stderr lines, Seccomp JSON console logs).", Arity = ArgumentArity.OneOrMore };
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
        var exact = new Option<bool>("--exact")
        {
            Description = "Allow only what was recorded (and @dotnet-runtime): no capability group for an API area the recording shows.",
        };
        var cmd = new Command("policy",
            "Write a [SeccompPolicy] class that allows @dotnet-runtime, the capability group of every API area the recording shows "
            + "(@aspnetcore for a listening socket, @process for child processes; not with --exact), and every recorded call those "
            + "do not allow, narrowed "
            + "from the recorded values where that tightens a dangerous call (socket domain, ioctl request, prctl option, fcntl cmd, "
            + "setsockopt level, clone without namespace flags, no writable+executable mmap/mprotect). Every rule is checked with "
            + "the product's policy compiler; a rule it reports anything about is written as a comment. Rules written for calls "
            + "the analyzers hold dangerous are listed on stderr. Recordings are untrusted: a name not in the syscall tables "
            + "or a value that is not a number in range is refused. Exits 0, 1 on a usage error, 4 when -o cannot be written or a recording or the "
            + "existing file cannot be used.")
        {
            recordings, cls, output, def, exact,
        };
        cmd.SetAction(pr =>
        {
            string full = pr.GetValue(cls)!;
            int dot = full.LastIndexOf('.');
            if (dot <= 0 || dot == full.Length - 1 || !full.Split('.').All(IsIdentifier))
                return Program.Fail(ExitCodes.Usage, $"--class must be NAMESPACE.NAME with C# identifiers, not '{full}'");
            // Before reading anything: - is a file named "-" here (the class is read back from where it was written).
            if (OutputFile.Check(pr.GetValue(output)!, standardOutput: false) is string unwritable)
                return Program.Fail(ExitCodes.BadInput, unwritable);
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
                Exact = pr.GetValue(exact),
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
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
            {
                return Program.Fail(ExitCodes.BadInput, SourceText.Escape(e.Message));
            }
            byte[] text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(result.Text);
            string? written = OutputFile.Write(options.Output, "class", s => s.Write(text), standardOutput: false);
            if (written == null) return ExitCodes.BadInput;
            // Read the written class back and check it as the generator will see it.
            foreach (var d in PolicyGenerator.CheckFile(written, options.ClassName))
                if (!result.Remaining.Contains(d)) result.Remaining.Add(d);
            foreach (var p in result.Skipped)
                Console.Error.WriteLine($"dotnet-seccomp: not allowed: {SourceText.Escape(p.Syscall)}: {SourceText.Escape(p.Skipped ?? "")}");
            foreach (var d in result.Remaining)
                Console.Error.WriteLine($"dotnet-seccomp: note: the policy compiler reports: {SourceText.Escape(d)}");
            foreach (string line in PolicyGenerator.DangerousAllowed(result))
                Console.Error.WriteLine($"dotnet-seccomp: {line}");
            foreach (string line in PolicyGenerator.ReviewNotes(result))
                Console.Error.WriteLine($"dotnet-seccomp: note: {line}");
            foreach (string name in result.DeniedOnPurpose)
                Console.Error.WriteLine($"dotnet-seccomp: note: {SourceText.Escape(name)} was recorded, and a rule of the class denies it by name: left as the class says");
            foreach (string review in result.Reviews)
                Console.Error.WriteLine($"dotnet-seccomp: warning: review: {SourceText.Escape(review)}");
            var whileRecording = result.Groups.Select(g => g.Group).Where(result.AllowedWhileRecording.Contains).ToList();
            var areas = result.Groups.Select(g => g.Group).Where(g => !result.AllowedWhileRecording.Contains(g)).ToList();
            Console.Error.WriteLine($"{(result.Updated ? "updated" : "wrote")} {full}: {result.Added.Count} rules added"
                + (whileRecording.Count > 0 ? $", {string.Join(", ", whileRecording)} allowed (allowed while recording)" : "")
                + (areas.Count > 0 ? $", {string.Join(", ", areas)} allowed (the recording shows their API area)" : "")
                + $", {result.Covered} calls allowed already"
                + (result.Widened > 0 ? $", {result.Widened} listed calls widened to recorded values their rules did not allow" : "")
                + (result.DeniedOnPurpose.Count > 0 ? $", {result.DeniedOnPurpose.Count} recorded calls the class denies left denied" : "")
                + (result.Skipped.Count > 0 ? $", {result.Skipped.Count} left as comments" : "")
                + $" -> {written}");
            return written == options.Output ? ExitCodes.Ok : ExitCodes.BadInput;
        });
        return cmd;
    }

    private static bool IsIdentifier(string s) =>
        s.Length > 0 && (char.IsLetter(s[0]) || s[0] == '_') && s.All(c => char.IsLetterOrDigit(c) || c == '_')
        && Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(s) == Microsoft.CodeAnalysis.CSharp.SyntaxKind.None;
}
