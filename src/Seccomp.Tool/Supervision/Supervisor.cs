// The USER_NOTIF supervisor shared by `record` and `check`: starts the command with the handshake environment, takes
// every listener a process hands over (the startup hook's recorder filter, or a policy applied by a build with
// SeccompAllowRecording), polls all of them, and answers each notification through a callback.

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Seccomp.Common;
using Seccomp.Compiler;
using Seccomp.Recording;

namespace Seccomp.Tool;

internal static unsafe class Supervisor
{
    public static readonly Answer Continue = new(0, 0, Native.SECCOMP_USER_NOTIF_FLAG_CONTINUE, 0);

    public static Answer Error(int errno) => new(0, -errno, 0, 0);

    /// <summary>Runs the command under supervision. <paramref name="hookPath"/> and <paramref name="program"/>
    /// null: no startup hook (check). Returns when the command has exited and no listener is left.
    /// <paramref name="stdoutToStderr"/>: the command's standard output is the tool's stderr (`record -o -`, whose
    /// stdout holds the recording alone). <paramref name="tick"/> is called about 5 times a second while it runs.</summary>
    public static SupervisorResult Run(string[] command, string? hookPath, byte[]? program, Func<Listener, SeccompNotif, Answer> answer,
        IReadOnlyList<int>? processIdSlots = null, bool stdoutToStderr = false, Action? tick = null)
    {
        var result = new SupervisorResult();
        // Two pipes without O_CLOEXEC so the child inherits its ends:
        //   hello: child writes -> supervisor reads;  ack: supervisor writes -> child reads.
        int* hello = stackalloc int[2];
        int* ack = stackalloc int[2];
        if (Native.pipe2(hello, 0) != 0 || Native.pipe2(ack, 0) != 0)
        {
            result.CannotStart = Program.Fail(ExitCodes.Internal, $"pipe2: {Native.Strerror(Native.Errno)}");
            return result;
        }
        int helloRead = hello[0], helloWriteChild = hello[1];
        int ackReadChild = ack[0], ackWrite = ack[1];
        Native.fcntl(helloRead, Native.F_SETFD, Native.FD_CLOEXEC);
        Native.fcntl(ackWrite, Native.F_SETFD, Native.FD_CLOEXEC);
        // Everything handed to the child lives in a directory only this user can enter (mkdtemp: a new name, mode 0700),
        // so nobody else can plant or swap a file in it; the program also travels with its digest, which the hook checks.
        string dir;
        try
        {
            dir = Directory.CreateTempSubdirectory("dotnet-seccomp-").FullName;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Native.close(helloRead); Native.close(helloWriteChild); Native.close(ackReadChild); Native.close(ackWrite);
            result.CannotStart = Program.Fail(ExitCodes.Internal, $"cannot create a private directory in {Path.GetTempPath()}: {e.Message}");
            return result;
        }
        string? programPath = null, programDigest = null;
        if (program != null && OperatingSystem.IsLinux()) // the tool runs on Linux only (KernelSupport.Check); said for the analyzers
        {
            programPath = Path.Combine(dir, "recorder.bpf");
            using (var f = new FileStream(programPath, new FileStreamOptions
            {
                Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
                f.Write(program);
            programDigest = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(program));
        }

        try
        {
            var psi = new ProcessStartInfo(command[0]) { UseShellExecute = false };
            foreach (string arg in command.Skip(1)) psi.ArgumentList.Add(arg);
            if (hookPath != null)
            {
                string? existingHooks = Environment.GetEnvironmentVariable("DOTNET_STARTUP_HOOKS");
                psi.Environment["DOTNET_STARTUP_HOOKS"] = string.IsNullOrEmpty(existingHooks) ? hookPath : existingHooks + Path.PathSeparator + hookPath;
                psi.Environment[RecorderHandshake.EnvProgram] = programPath;
                psi.Environment[RecorderHandshake.EnvProgramDigest] = programDigest;
                if (processIdSlots is { Count: > 0 })
                    psi.Environment[RecorderHandshake.EnvProgramPidSlots] = string.Join(",", processIdSlots);
                psi.Environment[RecorderHandshake.EnvBaseFilters] = SeccompStatus.SelfFilterCount().ToString();
            }
            psi.Environment[RecorderHandshake.EnvFdOut] = helloWriteChild.ToString();
            psi.Environment[RecorderHandshake.EnvFdIn] = ackReadChild.ToString();
            psi.Environment[RecorderHandshake.EnvDir] = dir;
            psi.Environment[RecorderHandshake.EnvLock] = Path.Combine(dir, "lock");

            Process child;
            // The child inherits fds 0-2 as they are when it starts: fd 1 points at stderr for that moment only, and not
            // through a pipe the tool would copy, so the program sees the terminal (or file) stderr is, as it would.
            int savedStdout = stdoutToStderr ? Native.fcntl(1, Native.F_DUPFD_CLOEXEC, 3) : -1;
            if (stdoutToStderr && (savedStdout < 0 || Native.dup2(2, 1) < 0))
            {
                Native.close(helloWriteChild); Native.close(ackReadChild); Native.close(helloRead); Native.close(ackWrite);
                result.CannotStart = Program.Fail(ExitCodes.Internal, $"cannot send the command's output to stderr: {Native.Strerror(Native.Errno)}");
                return result;
            }
            try
            {
                child = Process.Start(psi)!;
            }
            catch (Exception e)
            {
                Native.close(helloWriteChild); Native.close(ackReadChild); Native.close(helloRead); Native.close(ackWrite);
                result.CannotStart = Program.Fail(ExitCodes.CannotStart, $"cannot start {command[0]}: {e.Message}");
                return result;
            }
            finally
            {
                if (savedStdout >= 0)
                {
                    Native.dup2(savedStdout, 1);
                    Native.close(savedStdout);
                }
            }
            Native.close(helloWriteChild);
            Native.close(ackReadChild);

            int childPid = child.Id;
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; Native.kill(childPid, 2); });
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; Native.kill(childPid, 15); });
            Loop(result, helloRead, ackWrite, dir, answer, tick);
            child.WaitForExit();
            result.ExitCode = child.ExitCode;
            return result;
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static void Loop(SupervisorResult result, int helloRead, int ackWrite, string dir, Func<Listener, SeccompNotif, Answer> answer, Action? tick)
    {
        var live = new List<Listener>();
        byte* helloBuf = stackalloc byte[RecorderHandshake.HelloSize];
        int helloHave = 0;
        var pfds = new PollFd[64];
        SeccompNotif notif;
        SeccompNotifResp resp;

        while (true)
        {
            int n = 0;
            int helloIdx = -1;
            if (pfds.Length < live.Count + 1) pfds = new PollFd[live.Count * 2 + 1];
            if (helloRead >= 0) { helloIdx = n; pfds[n++] = new PollFd { Fd = helloRead, Events = Native.POLLIN }; }
            int firstListener = n;
            foreach (var l in live) pfds[n++] = new PollFd { Fd = l.Fd, Events = Native.POLLIN };
            if (n == 0) break; // no process can hand over a listener any more and no task uses one

            tick?.Invoke();
            int pr;
            fixed (PollFd* p = pfds) pr = Native.poll(p, (ulong)n, tick == null ? 200 : 100);
            if (pr < 0)
            {
                int err = Native.Errno;
                if (err == Native.EINTR) continue;
                result.Failure = $"poll: {Native.Strerror(err)}";
                break;
            }
            if (pr == 0) continue;

            if (helloIdx >= 0 && pfds[helloIdx].Revents != 0)
            {
                nint r = Native.read(helloRead, helloBuf + helloHave, RecorderHandshake.HelloSize - helloHave);
                if (r < 0 && Native.Errno == Native.EINTR) continue;
                if (r <= 0)
                {
                    // EOF: every process that could hand over a listener has closed the pipe or exited.
                    Native.close(helloRead); helloRead = -1;
                    Native.close(ackWrite); ackWrite = -1;
                }
                else
                {
                    helloHave += (int)r;
                    if (helloHave == RecorderHandshake.HelloSize)
                    {
                        helloHave = 0;
                        var l = TakeListener(helloBuf, ackWrite, dir, result);
                        if (l != null) { live.Add(l); result.Listeners.Add(l); }
                    }
                }
            }

            for (int i = 0; i < live.Count && result.Failure == null; i++)
            {
                var l = live[i];
                short rev = pfds[firstListener + i].Revents;
                if ((rev & Native.POLLIN) != 0)
                {
                    notif = default; // the kernel requires a zeroed buffer
                    if (Native.ioctl(l.Fd, Native.SECCOMP_IOCTL_NOTIF_RECV, &notif) != 0)
                    {
                        int err = Native.Errno;
                        if (err == Native.ENOENT) { result.RecvEnoent++; continue; }
                        if (err == Native.EINTR) continue;
                        result.Failure = $"SECCOMP_IOCTL_NOTIF_RECV: {Native.Strerror(err)}";
                        break;
                    }
                    Answer a;
                    // The runtime's own close() of the listener and of the lock right after its handshake.
                    if (l.Policy != null && l.HandshakeCloses.Count > 0 && IsClose(notif) && l.HandshakeCloses.Remove((long)(int)notif.Args[0]))
                        a = Continue;
                    else
                        a = answer(l, notif);
                    if (a.KillSignal != 0)
                    {
                        // The kernel would end the process here: so does check, after recording the call.
                        int tgid = ReadTgid((int)notif.Pid);
                        Native.kill(tgid, a.KillSignal);
                    }
                    resp = new SeccompNotifResp { Id = notif.Id, Val = a.Val, Error = a.Error, Flags = a.Flags };
                    while (Native.ioctl(l.Fd, Native.SECCOMP_IOCTL_NOTIF_SEND, &resp) != 0)
                    {
                        int err = Native.Errno;
                        if (err == Native.EINTR) continue;
                        if (err == Native.ENOENT) { result.SendEnoent++; break; }
                        result.Failure = $"SECCOMP_IOCTL_NOTIF_SEND: {Native.Strerror(err)}";
                        break;
                    }
                }
                else if ((rev & (Native.POLLHUP | Native.POLLERR | Native.POLLNVAL)) != 0)
                {
                    Native.close(l.Fd); // no task uses the filter any more
                    l.Fd = -1;
                }
            }
            live.RemoveAll(l => l.Fd < 0);
            if (result.Failure != null) break;
        }
        if (result.Failure != null)
        {
            // Closing the listeners makes every pending and later notified call fail with ENOSYS: nothing hangs.
            foreach (var l in live) Native.close(l.Fd);
            if (helloRead >= 0) Native.close(helloRead);
            if (ackWrite >= 0) Native.close(ackWrite);
            Console.Error.WriteLine($"dotnet-seccomp: {result.Failure}; supervision stopped, the program's further notified calls fail with ENOSYS");
        }
    }

    private static bool IsClose(in SeccompNotif n)
    {
        var arch = ArchInfo.FromAuditArch(n.Arch);
        return arch != null && arch.TryGetNumber("close", out int nr) && n.Nr == nr;
    }

    private static Listener? TakeListener(byte* helloBuf, int ackWrite, string dir, SupervisorResult result)
    {
        int* h = (int*)helloBuf;
        if ((uint)h[0] != RecorderHandshake.HelloMagic)
        {
            Console.Error.WriteLine("dotnet-seccomp: bad hello on the handshake pipe");
            return null;
        }
        int pid = h[1], targetFd = h[2], err = h[3], lockFd = h[4];
        AppliedPolicy? policy = null;
        try
        {
            policy = AppliedPolicy.Read(AppliedPolicy.PathOf(dir, pid));
        }
        catch (Exception e) when (e is IOException or FormatException or ArgumentException or InvalidOperationException)
        {
            Console.Error.WriteLine($"dotnet-seccomp: pid {pid}: cannot read its policy: {e.Message}");
        }
        string who = policy != null ? $"{policy.Name} in pid {pid}" : $"the hook in pid {pid}";
        if (err == RecorderHandshake.EBADMSG)
        {
            result.Refused.Add(pid);
            Console.Error.WriteLine($"dotnet-seccomp: pid {pid} refused the recorder's filter: it is not the one this tool wrote (changed or replaced in {dir})");
            return null;
        }
        if (err != 0 || targetFd < 0)
        {
            Console.Error.WriteLine($"dotnet-seccomp: {who} could not install its filter: {Native.Strerror(err)}");
            return null;
        }
        long pidfd = Native.syscall(Native.SYS_pidfd_open, pid, 0, 0);
        if (pidfd < 0)
        {
            Console.Error.WriteLine($"dotnet-seccomp: pidfd_open({pid}): {Native.Strerror(Native.Errno)}");
            return null; // no ack: the process reads EOF at our exit; its notified calls then fail with ENOSYS
        }
        long fd = Native.syscall(Native.SYS_pidfd_getfd, pidfd, targetFd, 0); // O_CLOEXEC
        int getfdErr = Native.Errno;
        Native.close((int)pidfd);
        if (fd < 0)
        {
            Console.Error.WriteLine($"dotnet-seccomp: pidfd_getfd({pid}, {targetFd}): {Native.Strerror(getfdErr)} (needs ptrace rights over the child)");
            return null;
        }
        var l = new Listener { Fd = (int)fd, Pid = pid, Policy = policy };
        if (policy != null)
        {
            l.HandshakeCloses.Add(targetFd);
            if (lockFd >= 0) l.HandshakeCloses.Add(lockFd);
        }
        byte a = (byte)'A';
        Native.write(ackWrite, &a, 1);
        return l;
    }

    public static int ReadTgid(int tid)
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
}
