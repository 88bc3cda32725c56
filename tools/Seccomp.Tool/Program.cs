// dotnet-seccomp: record what a .NET program calls, read kernel audit lines, and write a policy class from both.

using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using Seccomp.Compiler;
using Seccomp.Compiler.Policy;

namespace Seccomp.Tool;

/// <summary>The tool's own exit codes; `record` otherwise exits with the recorded command's code.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Usage = 1;
    /// <summary>`check`: the policy denied at least one call.</summary>
    public const int WouldDeny = 2;
    public const int Unsupported = 3;
    public const int BadInput = 4;
    /// <summary>`check`: no process applied a policy built with SeccompAllowRecording, so nothing was checked.</summary>
    public const int NothingChecked = 5;
    /// <summary>`record`, `check`: what the tool handed to the program was changed before the program used it.</summary>
    public const int Tampered = 6;
    public const int Internal = 125;
    public const int CannotStart = 127;
}

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
        root.Subcommands.Add(RecordCommand());
        root.Subcommands.Add(AuditCommand());
        root.Subcommands.Add(PolicyCommand());
        root.Subcommands.Add(CheckCommand());
        root.Subcommands.Add(ExplainCommand());
        return root;
    }

    private static Command RecordCommand()
    {
        var output = new Option<string>("--output", "-o") { Description = "The recording to write (JSON; - for standard output).", Required = true };
        var allowGroup = new Option<string[]>("--allow-group")
        {
            Description = "Also let the calls of this group run unrecorded (besides @dotnet-runtime), e.g. network-io. Repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };
        var allow = new Option<string[]>("--allow") { Description = "Also let this syscall run unrecorded. Repeatable." };
        var hook = new Option<string?>("--hook") { Description = "The startup hook assembly (default: Seccomp.Tool.Hook.dll next to the tool).", Hidden = true };
        var command = new Argument<string[]>("command")
        {
            Description = "The command to run and its arguments, after --, e.g. -- dotnet app.dll --port 8080.",
            Arity = ArgumentArity.OneOrMore,
        };
        var cmd = new Command("record",
            "Run a command and record every call its .NET processes make outside @dotnet-runtime, with the arguments' distinct "
            + "values, from every thread and child process, until the command and every process using the filter have exited. "
            + "SIGINT and SIGTERM are forwarded to the command. Exits with the command's exit code; 3 when this kernel cannot "
            + "record (use `audit`), 1 on a usage error, 125 on an internal failure, 127 when the command cannot be started.")
        {
            output, allowGroup, allow, hook, command,
        };
        cmd.SetAction(pr =>
        {
            var allowed = new List<string> { PolicyGenerator.RuntimeGroup };
            foreach (var g in pr.GetValue(allowGroup) ?? Array.Empty<string>())
            {
                string name = g.TrimStart('@');
                if (!SyscallGroups.TryGet(name, out _))
                    return Fail(ExitCodes.Usage, $"unknown group '{g}'; groups: {string.Join(", ", SyscallGroups.Names)}");
                allowed.Add("@" + name);
            }
            allowed.AddRange(pr.GetValue(allow) ?? Array.Empty<string>());
            string? hookPath = pr.GetValue(hook);
            return Recorder.Run(pr.GetValue(output)!, allowed, pr.GetValue(command)!, hookPath == null ? null : Path.GetFullPath(hookPath));
        });
        return cmd;
    }

    private static Command AuditCommand()
    {
        var file = new Argument<string>("file")
        {
            Description = "Kernel log to read: dmesg output, journalctl -k output or /var/log/audit/audit.log; - or nothing for standard input.",
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = _ => "-",
        };
        var output = new Option<string>("--output", "-o") { Description = "The recording to write (JSON; - for standard output).", Required = true };
        var cmd = new Command("audit",
            "Turn the kernel's seccomp audit records (type=1326 / type=SECCOMP, written for calls a policy logs, denies or kills "
            + "when LogDenied is set) into a recording: counts per syscall and architecture, no argument values. Lines of another "
            + "ABI (i386, x32) are kept apart as foreign and never mapped to x86_64 names. Exits 0, 1 on a usage error, 4 when the "
            + "input cannot be read.")
        {
            file, output,
        };
        cmd.SetAction(pr =>
        {
            string path = pr.GetValue(file) ?? "-";
            string outPath = pr.GetValue(output)!;
            AuditParser.Result result;
            try
            {
                using TextReader reader = path == "-" ? Console.In : new StreamReader(path);
                result = AuditParser.Parse(reader);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Fail(ExitCodes.BadInput, $"cannot read {path}: {e.Message}");
            }
            result.Recording.Command = new List<string> { path == "-" ? "(standard input)" : path };
            result.Recording.Write(outPath);
            if (result.ForeignLines > 0)
                Console.Error.WriteLine($"dotnet-seccomp: {result.ForeignLines} lines of a foreign ABI ({string.Join(", ", result.Recording.Foreign.Keys)}) kept apart under \"foreign\"");
            if (result.BadLines > 0)
                Console.Error.WriteLine($"dotnet-seccomp: {result.BadLines} seccomp lines without arch= or syscall= skipped");
            Console.Error.WriteLine($"read {result.SeccompLines} seccomp audit lines: {result.Recording.DistinctCalls} distinct calls from {result.Pids.Count} processes"
                + (result.ForeignLines > 0 ? $", {result.ForeignLines} foreign" : "") + $" -> {outPath}");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command PolicyCommand()
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
                return Fail(ExitCodes.Usage, $"--class must be NAMESPACE.NAME with C# identifiers, not '{full}'");
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
                    return Fail(ExitCodes.BadInput, e is FormatException ? e.Message : $"cannot read {SourceText.Escape(path)}: {SourceText.Escape(e.Message)}");
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
                return Fail(ExitCodes.BadInput, e.Message);
            }
            File.WriteAllText(options.Output, result.Text);
            // Read the written class back and check it as the generator will see it.
            foreach (var d in PolicyGenerator.CheckFile(options.Output, options.ClassName))
                if (!result.Remaining.Contains(d)) result.Remaining.Add(d);
            foreach (var p in result.Skipped)
                Console.Error.WriteLine($"dotnet-seccomp: not allowed: {SourceText.Escape(p.Syscall)}: {SourceText.Escape(p.Skipped ?? "")}");
            foreach (var d in result.Remaining)
                Console.Error.WriteLine($"dotnet-seccomp: note: the policy compiler reports: {SourceText.Escape(d)}");
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

    private static Command CheckCommand()
    {
        var command = new Argument<string[]>("command")
        {
            Description = "The command to run and its arguments, after --, e.g. -- dotnet test.",
            Arity = ArgumentArity.OneOrMore,
        };
        var cmd = new Command("check",
            "Run a command under the policies its .NET processes apply, for CI. Needs an app built with SeccompAllowRecording "
            + "(Debug by default): its Apply() sends every call the policy denies to this tool, which gives the policy's own "
            + "answer (ERRNO as declared; KILL and TRAP end the process with SIGSYS; TRACE fails with ENOSYS) and, at the end, "
            + "lists every denied call with its arguments, process and the rule (file:line) that denied it. Exits 2 when a call "
            + "was denied, 5 when no process applied such a policy, otherwise with the command's exit code.")
        {
            command,
        };
        cmd.SetAction(pr => Checker.Run(pr.GetValue(command)!));
        return cmd;
    }

    private static Command ExplainCommand()
    {
        var assembly = new Argument<string>("assembly") { Description = "The built assembly (.dll) that declares the policy classes." };
        var policy = new Option<string?>("--policy") { Description = "Only this policy class (full name, or the class name alone)." };
        var arch = new Option<string?>("--arch") { Description = "The architecture: x86_64, aarch64 or riscv64 (default: the one this machine runs)." };
        var cmd = new Command("explain",
            "For every syscall of an architecture, print each policy's verdict, the rule that decides it (file:line and the "
            + "attribute as written) and its condition, from the rule table the generator puts in each policy class. Exits 0, "
            + "1 on a usage error, 4 when the assembly cannot be read or declares no policy.")
        {
            assembly, policy, arch,
        };
        cmd.SetAction(pr =>
        {
            string path = pr.GetValue(assembly)!;
            string? archName = pr.GetValue(arch);
            SeccompArch target;
            if (archName == null)
            {
                if (Recorder.RunningArch is not SeccompArch running) return Fail(ExitCodes.Usage, "--arch is needed on this machine");
                target = running;
            }
            else
            {
                var info = ArchInfo.All.FirstOrDefault(a => string.Equals(a.Name, archName, StringComparison.OrdinalIgnoreCase));
                if (info == null) return Fail(ExitCodes.Usage, $"unknown architecture '{archName}'; architectures: {string.Join(", ", ArchInfo.All.Select(a => a.Name))}");
                target = info.Arch;
            }
            List<(Type Type, PolicySource Source)> policies;
            try
            {
                policies = Explainer.ReadPolicies(path);
            }
            catch (Exception e) when (e is IOException or BadImageFormatException or FormatException or UnauthorizedAccessException or ArgumentException)
            {
                return Fail(ExitCodes.BadInput, $"cannot read {path}: {e.Message}");
            }
            string? wanted = pr.GetValue(policy);
            if (wanted != null)
                policies = policies.Where(p => p.Source.Name == wanted || p.Source.Name.EndsWith("." + wanted, StringComparison.Ordinal)).ToList();
            if (policies.Count == 0)
                return Fail(ExitCodes.BadInput, wanted == null ? $"{path} declares no policy class (built with Seccomp.Generators?)" : $"{path} declares no policy class {wanted}");
            foreach (var (type, source) in policies)
            {
                if (!source.Architectures.Contains(target))
                {
                    Console.WriteLine($"{source.Name}: no program for {ArchInfo.Get(target).Name} (it targets {string.Join(", ", source.Architectures.Select(a => ArchInfo.Get(a).Name))})");
                    continue;
                }
                Console.Write(Explainer.Explain(source, target, Explainer.ProgramOf(type, target)));
            }
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static bool IsIdentifier(string s) =>
        s.Length > 0 && (char.IsLetter(s[0]) || s[0] == '_') && s.All(c => char.IsLetterOrDigit(c) || c == '_')
        && Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(s) == Microsoft.CodeAnalysis.CSharp.SyntaxKind.None;

    internal static int Fail(int code, string message)
    {
        Console.Error.WriteLine($"dotnet-seccomp: {message}");
        return code;
    }
}
