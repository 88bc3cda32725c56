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
    private const uint HelloMagic = 0x43455253; // 'SREC'
    public const string HookFileName = "Seccomp.Tool.Hook.dll";

    public const string EnvProgram = "SECCOMP_RECORD_PROGRAM";
    public const string EnvFdOut = "SECCOMP_RECORD_FD_OUT";
    public const string EnvFdIn = "SECCOMP_RECORD_FD_IN";
    public const string EnvBaseFilters = "SECCOMP_RECORD_BASE_FILTERS";

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

        string programPath = Path.Combine(Path.GetTempPath(), $"dotnet-seccomp-{Environment.ProcessId}.bpf");
        File.WriteAllBytes(programPath, program);
        try
        {
            return Supervise(command, output, hookPath, programPath, ArchInfo.Get(arch));
        }
        finally
        {
            try { File.Delete(programPath); } catch (IOException) { }
        }
    }

    private static int Supervise(string[] command, string output, string hookPath, string programPath, ArchInfo arch)
    {
        // Two pipes without O_CLOEXEC so the child inherits its ends:
        //   hello: child writes -> supervisor reads;  ack: supervisor writes -> child reads.
        int* hello = stackalloc int[2];
        int* ack = stackalloc int[2];
        if (Native.pipe2(hello, 0) != 0 || Native.pipe2(ack, 0) != 0)
            return Program.Fail(ExitCodes.Internal, $"pipe2: {Native.Strerror(Native.Errno)}");
        int helloRead = hello[0], helloWriteChild = hello[1];
        int ackReadChild = ack[0], ackWrite = ack[1];
        Native.fcntl(helloRead, Native.F_SETFD, Native.FD_CLOEXEC);
        Native.fcntl(ackWrite, Native.F_SETFD, Native.FD_CLOEXEC);

        var psi = new ProcessStartInfo(command[0]) { UseShellExecute = false };
        foreach (string arg in command.Skip(1)) psi.ArgumentList.Add(arg);
        string? existingHooks = Environment.GetEnvironmentVariable("DOTNET_STARTUP_HOOKS");
        psi.Environment["DOTNET_STARTUP_HOOKS"] = string.IsNullOrEmpty(existingHooks) ? hookPath : existingHooks + Path.PathSeparator + hookPath;
        psi.Environment[EnvProgram] = programPath;
        psi.Environment[EnvFdOut] = helloWriteChild.ToString();
        psi.Environment[EnvFdIn] = ackReadChild.ToString();
        psi.Environment[EnvBaseFilters] = ReadSeccompFilterCount().ToString();

        Process child;
        try
        {
            child = Process.Start(psi)!;
        }
        catch (Exception e)
        {
            Native.close(helloWriteChild); Native.close(ackReadChild); Native.close(helloRead); Native.close(ackWrite);
            return Program.Fail(ExitCodes.CannotStart, $"cannot start {command[0]}: {e.Message}");
        }
        Native.close(helloWriteChild);
        Native.close(ackReadChild);

        int childPid = child.Id;
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; Native.kill(childPid, 2); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; Native.kill(childPid, 15); });

        var recording = new Recording { Source = "record", Command = command.ToList() };
        var tgidOf = new Dictionary<int, int>();
        var allTids = new HashSet<int>();
        var hookPids = new List<int>();
        int listener = -1;
        byte* helloBuf = stackalloc byte[16];
        int helloHave = 0;
        PollFd* pfds = stackalloc PollFd[2];
        SeccompNotif notif;
        SeccompNotifResp resp;
        string? failure = null;

        while (true)
        {
            int n = 0;
            int helloIdx = -1, listenerIdx = -1;
            if (helloRead >= 0) { helloIdx = n; pfds[n++] = new PollFd { Fd = helloRead, Events = Native.POLLIN }; }
            if (listener >= 0) { listenerIdx = n; pfds[n++] = new PollFd { Fd = listener, Events = Native.POLLIN }; }
            if (n == 0) break; // no hook can show up any more and no task uses the filter

            int pr = Native.poll(pfds, (ulong)n, 200);
            if (pr < 0)
            {
                int err = Native.Errno;
                if (err == Native.EINTR) continue;
                failure = $"poll: {Native.Strerror(err)}";
                break;
            }
            if (pr == 0) continue;

            if (helloIdx >= 0 && pfds[helloIdx].Revents != 0)
            {
                nint r = Native.read(helloRead, helloBuf + helloHave, 16 - helloHave);
                if (r < 0 && Native.Errno == Native.EINTR) continue;
                if (r <= 0)
                {
                    CloseHandshake(ref helloRead, ref ackWrite); // EOF: nothing left that could run the hook
                }
                else
                {
                    helloHave += (int)r;
                    if (helloHave == 16)
                    {
                        helloHave = 0;
                        listener = TakeListener(helloBuf, hookPids, ackWrite);
                        CloseHandshake(ref helloRead, ref ackWrite);
                    }
                }
            }

            if (listenerIdx >= 0 && listener >= 0)
            {
                short rev = pfds[listenerIdx].Revents;
                if ((rev & Native.POLLIN) != 0)
                {
                    notif = default; // the kernel requires a zeroed buffer
                    if (Native.ioctl(listener, Native.SECCOMP_IOCTL_NOTIF_RECV, &notif) != 0)
                    {
                        int err = Native.Errno;
                        if (err == Native.ENOENT) { recording.RecvEnoent++; continue; }
                        if (err == Native.EINTR) continue;
                        failure = $"SECCOMP_IOCTL_NOTIF_RECV: {Native.Strerror(err)}";
                        break;
                    }
                    Record(recording, arch, in notif, tgidOf, allTids);
                    resp = new SeccompNotifResp { Id = notif.Id, Val = 0, Error = 0, Flags = Native.SECCOMP_USER_NOTIF_FLAG_CONTINUE };
                    while (Native.ioctl(listener, Native.SECCOMP_IOCTL_NOTIF_SEND, &resp) != 0)
                    {
                        int err = Native.Errno;
                        if (err == Native.EINTR) continue;
                        if (err == Native.ENOENT) { recording.SendEnoent++; break; }
                        failure = $"SECCOMP_IOCTL_NOTIF_SEND: {Native.Strerror(err)}";
                        break;
                    }
                    if (failure != null) break;
                }
                else if ((rev & (Native.POLLHUP | Native.POLLERR | Native.POLLNVAL)) != 0)
                {
                    Native.close(listener); // no task uses the filter any more
                    listener = -1;
                }
            }
        }
        if (failure != null)
        {
            // Closing the listener makes every pending and later notified call fail with ENOSYS: nothing hangs.
            if (listener >= 0) Native.close(listener);
            CloseHandshake(ref helloRead, ref ackWrite);
            Console.Error.WriteLine($"dotnet-seccomp: {failure}; recording stopped, the program's further calls fail with ENOSYS");
        }

        child.WaitForExit();
        int exitCode = child.ExitCode;
        recording.ExitCode = exitCode;
        recording.ThreadCount = allTids.Count;
        foreach (var (archName, calls) in recording.Architectures)
            foreach (var s in calls.Values)
            {
                s.Threads = s.Tids.Count;
                s.Processes = s.Pids.Count;
            }
        recording.Write(output);
        if (hookPids.Count == 0)
            Console.Error.WriteLine("dotnet-seccomp: the startup hook did not run: the command started no .NET program (or DOTNET_STARTUP_HOOKS is disabled), nothing was recorded");
        if (recording.SendEnoent > 0)
            Console.Error.WriteLine($"dotnet-seccomp: {recording.SendEnoent} calls were interrupted while waiting and restarted; their counts may be slightly high");
        Console.Error.WriteLine($"recorded {recording.DistinctCalls} distinct calls ({recording.Notifications} notifications) from {allTids.Count} threads in {recording.ProcessList.Count} processes -> {output}");
        return failure != null && exitCode == 0 ? ExitCodes.Internal : exitCode;
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
            tgid = ReadTgid(tid);
            tgidOf[tid] = tgid;
            allTids.Add(tid);
            if (!recording.ProcessList.ContainsKey(tgid))
                recording.ProcessList[tgid] = ReadCmdline(tgid);
        }
        s.Tids.Add(tid);
        s.Pids.Add(tgid);
    }

    private static int ReadTgid(int tid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{tid}/status"))
                if (line.StartsWith("Tgid:", StringComparison.Ordinal))
                    return int.Parse(line.AsSpan(5).Trim());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }
        return tid;
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

    private static int TakeListener(byte* helloBuf, List<int> hookPids, int ackWrite)
    {
        int* h = (int*)helloBuf;
        if ((uint)h[0] != HelloMagic)
        {
            Console.Error.WriteLine("dotnet-seccomp: bad hello from the startup hook");
            return -1;
        }
        int pid = h[1], targetFd = h[2], hookErr = h[3];
        if (hookErr != 0 || targetFd < 0)
        {
            Console.Error.WriteLine($"dotnet-seccomp: the hook in pid {pid} could not install the filter: {Native.Strerror(hookErr)}");
            return -1;
        }
        long pidfd = Native.syscall(Native.SYS_pidfd_open, pid, 0, 0);
        if (pidfd < 0)
        {
            Console.Error.WriteLine($"dotnet-seccomp: pidfd_open({pid}): {Native.Strerror(Native.Errno)}");
            return -1; // the hook reads EOF instead of the ack; its notified calls then fail with ENOSYS
        }
        long fd = Native.syscall(Native.SYS_pidfd_getfd, pidfd, targetFd, 0); // O_CLOEXEC
        int getfdErr = Native.Errno;
        Native.close((int)pidfd);
        if (fd < 0)
        {
            Console.Error.WriteLine($"dotnet-seccomp: pidfd_getfd({pid}, {targetFd}): {Native.Strerror(getfdErr)} (needs ptrace rights over the child)");
            return -1;
        }
        hookPids.Add(pid);
        byte a = (byte)'A';
        Native.write(ackWrite, &a, 1);
        return (int)fd;
    }

    private static void CloseHandshake(ref int helloRead, ref int ackWrite)
    {
        if (helloRead >= 0) { Native.close(helloRead); helloRead = -1; }
        if (ackWrite >= 0) { Native.close(ackWrite); ackWrite = -1; }
    }

    private static int ReadSeccompFilterCount()
    {
        foreach (string line in File.ReadAllLines("/proc/self/status"))
            if (line.StartsWith("Seccomp_filters:", StringComparison.Ordinal))
                return int.Parse(line.AsSpan("Seccomp_filters:".Length).Trim());
        return 0;
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
