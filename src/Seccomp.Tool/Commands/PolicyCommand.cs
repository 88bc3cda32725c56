// `dotnet-seccomp policy REC... --class NS.Name -o FILE.cs [--default ACTION]`: merges recordings and writes (or adds
// to) a policy class through PolicyGenerator, then checks the file as written.

using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
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
        var app = new Option<string[]>("--app")
        {
            Description = "The app's entry assembly (.dll), to read which API areas its code calls (File.Move, Process.Start, "
                + "HttpClient...): their capability groups are allowed too, though the recorded run never went there. By default, "
                + "the .dll a recorded command names, where that file exists. Not with --exact.",
            AllowMultipleArgumentsPerToken = false,
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
            recordings, cls, output, def, exact, app,
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
                Apps = Apps(pr.GetValue(app) ?? Array.Empty<string>(), merged.MergedArgv),
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
            foreach (string a in pr.GetValue(app) ?? Array.Empty<string>())
                if (!File.Exists(a)) return Program.Fail(ExitCodes.BadInput, $"--app: {SourceText.Escape(a)} does not exist");
            PolicyResult result;
            try
            {
                result = PolicyGenerator.Generate(merged, options);
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
            {
                return Program.Fail(ExitCodes.BadInput, SourceText.Escape(e.Message));
            }
            catch (BadImageFormatException e)
            {
                return Program.Fail(ExitCodes.BadInput, $"--app: not a .NET assembly: {SourceText.Escape(e.Message)}");
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
            if (result.Scanned.Count > 0)
                Console.Error.WriteLine($"dotnet-seccomp: read the API areas the app's code calls from {string.Join(", ", result.Scanned.Select(SourceText.Escape))}"
                    + (result.GroupsFromCode.Count > 0 ? $": {string.Join(", ", result.GroupsFromCode)} allowed for it (no recorded call showed the area)" : ""));
            foreach (string review in result.Reviews)
                Console.Error.WriteLine($"dotnet-seccomp: warning: review: {SourceText.Escape(review)}");
            var whileRecording = result.Groups.Select(g => g.Group).Where(result.AllowedWhileRecording.Contains).ToList();
            var areas = result.Groups.Select(g => g.Group).Where(g => !result.AllowedWhileRecording.Contains(g) && !result.GroupsFromCode.Contains(g)).ToList();
            Console.Error.WriteLine($"{(result.Updated ? "updated" : "wrote")} {full}: {result.Added.Count} rules added"
                + (whileRecording.Count > 0 ? $", {string.Join(", ", whileRecording)} allowed (allowed while recording)" : "")
                + (areas.Count > 0 ? $", {string.Join(", ", areas)} allowed (the recording shows their API area)" : "")
                + (result.GroupsFromCode.Count > 0 ? $", {string.Join(", ", result.GroupsFromCode)} allowed (the app's code calls into the area)" : "")
                + $", {result.Covered} calls allowed already"
                + (result.Widened > 0 ? $", {result.Widened} listed calls widened to recorded values their rules did not allow" : "")
                + (result.DeniedOnPurpose.Count > 0 ? $", {result.DeniedOnPurpose.Count} recorded calls the class denies left denied" : "")
                + (result.Skipped.Count > 0 ? $", {result.Skipped.Count} left as comments" : "")
                + $" -> {written}");
            return written == options.Output ? ExitCodes.Ok : ExitCodes.BadInput;
        });
        return cmd;
    }

    /// <summary>
    /// --app's assemblies, or else the .dll each recorded command runs (`dotnet bin/App.dll ...`, or an apphost with its
    /// .dll beside it) where that file exists here: a recorded command is untrusted text, so it only ever names a file to
    /// read metadata from, which a file that is not an assembly fails cleanly.
    /// </summary>
    private static IReadOnlyList<string> Apps(string[] given, IEnumerable<IReadOnlyList<string>> commands)
    {
        if (given.Length > 0) return given;
        var found = new List<string>();
        foreach (var command in commands)
        {
            foreach (string token in command.Take(3))
            {
                string candidate = token.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? token : token + ".dll";
                if (token.Length == 0 || token.IndexOf('\0') >= 0 || Path.GetFileName(candidate) is "dotnet.dll" or ".dll") continue;
                if (File.Exists(candidate) && IsAssembly(candidate)) { found.Add(Path.GetFullPath(candidate)); break; }
            }
        }
        return found.Distinct().ToList();
    }

    private static bool IsAssembly(string path)
    {
        try
        {
            using var pe = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(path));
            return pe.HasMetadata && pe.GetMetadataReader().IsAssembly;
        }
        catch (Exception e) when (e is BadImageFormatException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool IsIdentifier(string s) =>
        s.Length > 0 && (char.IsLetter(s[0]) || s[0] == '_') && s.All(c => char.IsLetterOrDigit(c) || c == '_')
        && Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(s) == Microsoft.CodeAnalysis.CSharp.SyntaxKind.None;
}
