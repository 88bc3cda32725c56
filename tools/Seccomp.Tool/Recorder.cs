// `dotnet-seccomp record`: starts a command with the startup hook, takes over the USER_NOTIF listener the hook
// creates, records every notified call and lets it run (SECCOMP_USER_NOTIF_FLAG_CONTINUE).

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Seccomp.Compiler;
using Seccomp.Compiler.Policy;

namespace Seccomp.Tool;

internal static unsafe class Recorder
{
    public const string HookFileName = "Seccomp.Tool.Hook.dll";

    public const string EnvProgram = Seccomp.Recording.RecorderHandshake.EnvProgram;
    public const string EnvFdOut = Seccomp.Recording.RecorderHandshake.EnvFdOut;
    public const string EnvFdIn = Seccomp.Recording.RecorderHandshake.EnvFdIn;
    public const string EnvBaseFilters = Seccomp.Recording.RecorderHandshake.EnvBaseFilters;

    /// <summary>The architecture this process (and so the recorded .NET process) runs on, or null.</summary>
    public static SeccompArch? RunningArch => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => SeccompArch.X86_64,
        Architecture.Arm64 => SeccompArch.Aarch64,
        (Architecture)9 => SeccompArch.Riscv64, // RiscV64 (named from .NET 9 on)
        _ => null,
    };

    /// <summary>
    /// The recorder's filter: what the allowed groups and names allow (with their argument narrowings, clone3 ENOSYS)
    /// runs without a round trip, every other call goes to the supervisor.
    /// </summary>
    public static PolicyCompilation CompileFilter(SeccompArch arch, IEnumerable<string> allowed) =>
        PolicyCompiler.Compile(new PolicyModel(
            DefaultAction: Verdict.Of(SeccompAction.Notify, 0),
            BadArchAction: Verdict.KillProcess,
            UnknownSyscallAction: Verdict.Of(SeccompAction.Notify, 0),
            Architectures: EquatableArray.From(new[] { arch }),
            Rules: EquatableArray.From(new[] { new RuleModel(0, Verdict.Allow, EquatableArray.From(allowed), null) })));

    internal static void RecordCall(Recording recording, ArchInfo arch, in SeccompNotif n, Dictionary<int, int> tgidOf, HashSet<int> allTids) =>
        Record(recording, arch, in n, tgidOf, allTids);

    public static int Run(string output, IReadOnlyList<string> allowed, string[] command, string? hookOverride)
    {
        if (RunningArch is not SeccompArch arch)
            return Program.Fail(ExitCodes.Unsupported, $"cannot record on {RuntimeInformation.ProcessArchitecture}: only x86_64, aarch64 and riscv64 are supported");
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
        byte[] program = compilation.Program(arch).ToBytes();

        return Supervise(command, output, hookPath, program, ArchInfo.Get(arch));
    }

    private static int Supervise(string[] command, string output, string hookPath, byte[] program, ArchInfo arch)
    {
        var recording = new Recording { Source = "record", Command = command.ToList() };
        var tgidOf = new Dictionary<int, int>();
        var allTids = new HashSet<int>();
        var result = Supervisor.Run(command, hookPath, program, (listener, notif) =>
        {
            Record(recording, arch, in notif, tgidOf, allTids);
            return Supervisor.Continue;
        });
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
        recording.Write(output);
        var policies = result.Listeners.Where(l => l.Policy != null).Select(l => l.Policy!.Name).Distinct().ToList();
        if (result.Listeners.Count == 0)
            Console.Error.WriteLine("dotnet-seccomp: neither the startup hook nor a policy built with SeccompAllowRecording handed over a listener: "
                + "the command started no .NET program (or DOTNET_STARTUP_HOOKS is disabled, or the app's own policy was not applied), nothing was recorded");
        if (policies.Count > 0)
            Console.Error.WriteLine($"dotnet-seccomp: recorded the calls that {string.Join(", ", policies)} would deny (the app applies its own policy; the calls ran)");
        if (recording.SendEnoent > 0)
            Console.Error.WriteLine($"dotnet-seccomp: {recording.SendEnoent} calls were interrupted while waiting and restarted; their counts may be slightly high");
        Console.Error.WriteLine($"recorded {recording.DistinctCalls} distinct calls ({recording.Notifications} notifications) from {allTids.Count} threads in {recording.ProcessList.Count} processes -> {output}");
        return result.Failure != null && exitCode == 0 ? ExitCodes.Internal : exitCode;
    }

    private static void Record(Recording recording, ArchInfo running, in SeccompNotif n, Dictionary<int, int> tgidOf, HashSet<int> allTids)
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

/// <summary>Checks that the kernel can record: USER_NOTIF, its struct sizes, and FLAG_CONTINUE (5.5).</summary>
internal static unsafe class KernelSupport
{
    /// <summary>Null when recording works here, else what is missing.</summary>
    public static string? Check()
    {
        if (!OperatingSystem.IsLinux()) return "not Linux";
        long nr = Native.SYS_seccomp;
        if (nr < 0) return $"unsupported architecture {RuntimeInformation.ProcessArchitecture}";
        uint action = Native.SECCOMP_RET_USER_NOTIF;
        if (Native.syscall3p(nr, Native.SECCOMP_GET_ACTION_AVAIL, 0, &action) != 0)
            return $"SECCOMP_RET_USER_NOTIF is not available ({Native.Strerror(Native.Errno)})";
        ushort* sizes = stackalloc ushort[3];
        if (Native.syscall3p(nr, Native.SECCOMP_GET_NOTIF_SIZES, 0, sizes) != 0)
            return $"SECCOMP_GET_NOTIF_SIZES failed ({Native.Strerror(Native.Errno)})";
        if (sizes[0] < 80 || sizes[1] < 24 || sizes[2] < 64)
            return $"unexpected notification sizes {sizes[0]}/{sizes[1]}/{sizes[2]}";
        // SECCOMP_USER_NOTIF_FLAG_CONTINUE has no feature probe: it came with Linux 5.5.
        var v = Environment.OSVersion.Version;
        if (v.Major < 5 || (v.Major == 5 && v.Minor < 5))
            return $"kernel {v} has no SECCOMP_USER_NOTIF_FLAG_CONTINUE (needs 5.5)";
        // pidfd_getfd (the listener hand-over) came with 5.6.
        if (v.Major == 5 && v.Minor < 6)
            return $"kernel {v} has no pidfd_getfd (needs 5.6)";
        return null;
    }
}
