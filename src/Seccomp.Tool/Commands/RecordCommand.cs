// `dotnet-seccomp record -o FILE [--allow-group G] [--allow S] -- CMD`: starts a command with the startup hook, takes
// over the USER_NOTIF listener the hook creates, records every notified call and lets it run
// (SECCOMP_USER_NOTIF_FLAG_CONTINUE).

using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Seccomp.Common;
using Seccomp.Compiler;
using Seccomp.Compiler.Policy;

namespace Seccomp.Tool;

internal static unsafe class RecordCommand
{
    public const string HookFileName = "Seccomp.Tool.Hook.dll";

    public static Command Create()
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
            + "record (use `audit`), 4 when -o cannot be written (checked before the command starts), 1 on a usage error, 125 on an internal failure, 127 when the command cannot be started.")
        {
            output, allowGroup, allow, hook, command,
        };
        cmd.SetAction(pr =>
        {
            var groups = new List<string>();
            foreach (var g in pr.GetValue(allowGroup) ?? Array.Empty<string>())
            {
                string name = g.TrimStart('@');
                if (!SyscallGroups.TryGet(name, out _))
                    return Program.Fail(ExitCodes.Usage, $"unknown group '{g}'; groups: {string.Join(", ", SyscallGroups.Names)}");
                groups.Add(name);
            }
            var names = (pr.GetValue(allow) ?? Array.Empty<string>()).ToList();
            // Before anything runs: a recording that cannot be written would cost a whole run of the workload.
            if (OutputFile.Check(pr.GetValue(output)!) is string unwritable)
                return Program.Fail(ExitCodes.BadInput, unwritable);
            string? hookPath = pr.GetValue(hook);
            // Kept in the recording: `policy` must allow what ran unrecorded, which no recording can show.
            var recording = new Recording { Source = "record", Command = pr.GetValue(command)!.ToList() };
            recording.AllowGroups.UnionWith(groups);
            recording.AllowNames.UnionWith(names);
            var allowed = new List<string> { PolicyGenerator.RuntimeGroup };
            allowed.AddRange(groups.Select(g => "@" + g));
            allowed.AddRange(names);
            return Run(recording, pr.GetValue(output)!, allowed, pr.GetValue(command)!, hookPath == null ? null : Path.GetFullPath(hookPath));
        });
        return cmd;
    }

    /// <summary>
    /// The recorder's filter: what the allowed groups and names allow (with their argument narrowings, clone3 ENOSYS)
    /// runs without a round trip, every other call goes to the supervisor.
    /// </summary>
    public static PolicyCompilation CompileFilter(SeccompArch arch, IEnumerable<string> allowed) =>
        PolicyCompiler.Compile(new PolicyModel(
            DefaultAction: SeccompVerdict.Of(SeccompAction.Notify, 0),
            BadArchAction: SeccompVerdict.KillProcess,
            UnknownSyscallAction: SeccompVerdict.Of(SeccompAction.Notify, 0),
            Architectures: EquatableArray.From(new[] { arch }),
            Rules: EquatableArray.From(new[] { new RuleModel(0, SeccompVerdict.Allow, EquatableArray.From(allowed), null) })));

    private static int Run(Recording recording, string output, IReadOnlyList<string> allowed, string[] command, string? hookOverride)
    {
        if (HostArchitecture.Current is not SeccompArch arch)
            return Program.Fail(ExitCodes.Unsupported, $"cannot record on {RuntimeInformation.ProcessArchitecture}: only x86_64, aarch64, arm, ppc64le, s390x, riscv64 and loongarch64 are supported");
        string? unsupported = KernelSupport.Check();
        if (unsupported != null)
            return Program.Fail(ExitCodes.Unsupported,
                $"this kernel cannot record: {unsupported}. Recording needs seccomp USER_NOTIF with SECCOMP_USER_NOTIF_FLAG_CONTINUE (Linux 5.5). "
                + "Run the program under a policy with LogDenied = true instead and read the kernel's audit lines with `dotnet-seccomp audit`.");

        string hookPath = hookOverride ?? Path.Combine(AppContext.BaseDirectory, HookFileName);
        if (!File.Exists(hookPath))
            return Program.Fail(ExitCodes.Internal, $"startup hook not found: {hookPath}");

        var compilation = CompileFilter(arch, allowed);
        if (compilation.HasErrors)
            return Program.Fail(ExitCodes.Usage, "cannot build the recorder's filter: " + string.Join("; ", compilation.Errors.Select(e => e.Message)));
        var compiled = compilation.Program(arch);
        byte[] program = compiled.ToBytes();

        // A task's executable changes only through execve/execveat; when the filter notifies both, the probe can tell
        // when to read it again, otherwise it reads it at every notification.
        bool execNotified = !allowed.Any(a => a is "execve" or "execveat"
            || a.StartsWith('@') && SyscallGroups.TryGet(a.Substring(1), out var members) && members.Any(m => m.Name is "execve" or "execveat"));
        return Supervise(recording, command, output, hookPath, program, compiled.ProcessIdSlots, ArchInfo.Get(arch), new ExecutableProbe(execNotified));
    }

    private static int Supervise(Recording recording, string[] command, string output, string hookPath, byte[] program, IReadOnlyList<int> processIdSlots, ArchInfo arch,
        ExecutableProbe probe)
    {
        var tgidOf = new Dictionary<int, int>();
        var allTids = new HashSet<int>();
        var progress = RecordProgress.ForTerminal(recording);
        // With -o -, stdout carries the recording alone: the command's own output goes where the tool's messages go.
        var result = Supervisor.Run(command, hookPath, program, (listener, notif) =>
        {
            Record(recording, arch, in notif, tgidOf, allTids, probe);
            return Supervisor.Continue;
        }, processIdSlots, stdoutToStderr: output == OutputFile.StandardOutput, tick: progress == null ? null : progress.Tick);
        progress?.Clear();
        if (result.CannotStart != null) return result.CannotStart.Value;
        if (result.Refused.Count > 0)
            return Program.Fail(ExitCodes.Tampered, $"the recording is incomplete and was not written: pid {string.Join(", ", result.Refused)} "
                + "refused the recorder's filter because it was changed after this tool wrote it");
        int exitCode = result.ExitCode;
        recording.ExitCode = exitCode;
        recording.ThreadCount = allTids.Count;
        recording.RecvEnoent = result.RecvEnoent;
        recording.SendEnoent = result.SendEnoent;
        foreach (var (archName, calls) in recording.Architectures)
            foreach (var s in calls.Values)
            {
                s.Threads = s.Tids.Count;
                s.Processes = s.Pids.Count;
            }
        string? written = recording.Write(output);
        var policies = result.Listeners.Where(l => l.Policy != null).Select(l => l.Policy!.Name).Distinct().ToList();
        if (result.Listeners.Count == 0)
            Console.Error.WriteLine("dotnet-seccomp: neither the startup hook nor a policy built with SeccompAllowRecording handed over a listener: "
                + "the command started no .NET program (or DOTNET_STARTUP_HOOKS is disabled, or the app's own policy was not applied), nothing was recorded");
        if (policies.Count > 0)
            Console.Error.WriteLine($"dotnet-seccomp: recorded the calls that {string.Join(", ", policies)} would deny (the app applies its own policy; the calls ran)");
        if (recording.SendEnoent > 0)
            Console.Error.WriteLine($"dotnet-seccomp: {recording.SendEnoent} calls were interrupted while waiting and restarted; their counts may be slightly high");
        Console.Error.WriteLine($"recorded {recording.DistinctCalls} distinct calls ({recording.Notifications} notifications) from {allTids.Count} threads in {recording.ProcessList.Count} processes -> {written ?? "(not written)"}");
        // The recording is somewhere else than asked (or nowhere): say so in the exit code too, whatever the command's.
        if (written != output) return ExitCodes.BadInput;
        return result.Failure != null && exitCode == 0 ? ExitCodes.Internal : exitCode;
    }

    private static void Record(Recording recording, ArchInfo running, in SeccompNotif n, Dictionary<int, int> tgidOf, HashSet<int> allTids, ExecutableProbe probe)
    {
        recording.Notifications++;
        var arch = ArchInfo.FromAuditArch(n.Arch) ?? running; // the filter kills any other arch, so this is the running one
        var s = recording.Get(arch, n.Nr, withArgs: true);
        s.Count++;
        if (s.Args != null)
        {
            var parameters = Recording.ParametersOf(s.Name, arch.Arch);
            for (int i = 0; i < s.Args.Count && i < 6; i++)
                s.Args[i].Add(parameters[i].Type.Truncate(n.Args[i]));
        }
        int tid = (int)n.Pid;
        if (!tgidOf.TryGetValue(tid, out int tgid))
        {
            tgid = Supervisor.ReadTgid(tid);
            tgidOf[tid] = tgid;
            allTids.Add(tid);
            if (!recording.ProcessList.ContainsKey(tgid))
                recording.ProcessList[tgid] = ReadCmdline(tgid);
        }
        s.Tids.Add(tid);
        s.Pids.Add(tgid);
        // The task still waits for the answer, so its /proc entry is there and shows the program that made this call.
        if (probe.ExecutableOf(tid, tgid, s.Name) is string exe)
        {
            recording.NoteExecutable(exe, probe.IsDotnet(tgid, exe, n.Nr));
            s.AddExecutable(exe);
        }
    }

    private static string ReadCmdline(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").TrimEnd('\0').Replace('\0', ' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
