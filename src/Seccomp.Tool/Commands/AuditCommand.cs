// `dotnet-seccomp audit [FILE] -o FILE`: the kernel's seccomp audit lines (dmesg, journalctl -k, audit.log) as a
// recording, for kernels or processes where `record` cannot run.

using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;

namespace Seccomp.Tool;

internal static class AuditCommand
{
    public static Command Create()
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
            + "ABI (i386, x32) are kept apart as foreign and never mapped to x86_64 names. Exits 0, 1 on a usage error, 4 when -o cannot be written or the "
            + "input cannot be read.")
        {
            file, output,
        };
        cmd.SetAction(pr =>
        {
            string path = pr.GetValue(file) ?? "-";
            string outPath = pr.GetValue(output)!;
            if (OutputFile.Check(outPath) is string unwritable)
                return Program.Fail(ExitCodes.BadInput, unwritable);
            AuditParser.Result result;
            try
            {
                using TextReader reader = path == "-" ? Console.In : new StreamReader(path);
                result = AuditParser.Parse(reader);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Program.Fail(ExitCodes.BadInput, $"cannot read {path}: {e.Message}");
            }
            result.Recording.Command = new List<string> { path == "-" ? "(standard input)" : path };
            string? written = result.Recording.Write(outPath);
            if (result.ForeignLines > 0)
                Console.Error.WriteLine($"dotnet-seccomp: {result.ForeignLines} lines of a foreign ABI ({string.Join(", ", result.Recording.Foreign.Keys)}) kept apart under \"foreign\"");
            if (result.BadLines > 0)
                Console.Error.WriteLine($"dotnet-seccomp: {result.BadLines} seccomp lines without arch= or syscall= skipped");
            Console.Error.WriteLine($"read {result.SeccompLines} seccomp audit lines: {result.Recording.DistinctCalls} distinct calls from {result.Pids.Count} processes"
                + (result.ForeignLines > 0 ? $", {result.ForeignLines} foreign" : "") + $" -> {written ?? "(not written)"}");
            return written == outPath ? ExitCodes.Ok : ExitCodes.BadInput;
        });
        return cmd;
    }
}
