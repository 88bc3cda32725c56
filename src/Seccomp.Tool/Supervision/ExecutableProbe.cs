// Which program a notified call came from, for `record`: the task's executable (/proc/TID/exe) and whether that
// process is a .NET program. The recorder's filter is inherited by every child, so a .NET app's `/bin/ls` or shell is
// recorded too; the policy's comments name the programs, and mark the calls only non-.NET programs made.

using System;
using System.Collections.Generic;
using System.IO;

namespace Seccomp.Tool;

internal sealed class ExecutableProbe
{
    /// <summary>(process, executable) pairs found to be .NET; a process is never un-.NET'd for the same executable.</summary>
    private readonly HashSet<(int Pid, string Exe)> _dotnet = new();

    /// <summary>(process, executable, syscall) already probed and found not .NET: each is probed again at most once per call.</summary>
    private readonly HashSet<(int Pid, string Exe, int Nr)> _probed = new();

    /// <summary>Per task: its executable as last read.</summary>
    private readonly Dictionary<int, string> _byTask = new();

    /// <summary>Processes that were seen calling execve or execveat: their tasks' executables are read at every call.</summary>
    private readonly HashSet<int> _execed = new();

    private readonly bool _execNotified;

    /// <param name="execNotified">
    /// The recorder's filter notifies every execve and execveat (no allowed group or name lets them run unseen): a
    /// task's executable can then only change after the tool saw its process call one of them, and is read once per
    /// task otherwise. Reading /proc/TID/exe costs about as much as the rest of a notification's handling.
    /// </param>
    public ExecutableProbe(bool execNotified) => _execNotified = execNotified;

    /// <summary>
    /// The executable of task <paramref name="tid"/> of process <paramref name="tgid"/>, which is making
    /// <paramref name="syscall"/>. Read again for a process that called execve/execveat (a vfork child becomes
    /// /bin/ls under the same id, and a thread that execs takes the leader's id), and at every call when the filter
    /// lets exec calls through unseen. Null when the task is gone or not readable.
    /// </summary>
    public unsafe string? ExecutableOf(int tid, int tgid, string syscall)
    {
        if (syscall is "execve" or "execveat") _execed.Add(tgid);
        bool cache = _execNotified && !_execed.Contains(tgid);
        if (cache && _byTask.TryGetValue(tid, out string? known)) return known;
        byte* path = stackalloc byte[32];
        int n = 0;
        foreach (char c in "/proc/") path[n++] = (byte)c;
        if (!tid.TryFormat(new Span<byte>(path + n, 16), out int digits, default, System.Globalization.CultureInfo.InvariantCulture)) return null;
        n += digits;
        foreach (char c in "/exe") path[n++] = (byte)c;
        path[n] = 0;
        const int Size = 4096; // PATH_MAX
        byte* buf = stackalloc byte[Size];
        nint len = Native.readlink(path, buf, Size);
        if (len <= 0 || len >= Size) return null;
        string text = System.Text.Encoding.UTF8.GetString(buf, (int)len);
        if (cache) _byTask[tid] = text;
        return text;
    }

    /// <summary>
    /// Whether process <paramref name="pid"/> running <paramref name="exe"/> is a .NET program: its executable is the
    /// `dotnet` host, or its memory maps the CoreCLR runtime (libcoreclr.so: an apphost or framework-dependent app) or
    /// the runtime's W^X double mapping (memfd:doublemapper: a single-file app, whose runtime is linked into the
    /// executable). An apphost's first calls can come before it maps the runtime, so a "no" is asked again, at most
    /// once per syscall the process makes: a bounded number of reads of /proc/PID/maps, and a "yes" is final.
    /// </summary>
    public bool IsDotnet(int pid, string exe, int nr)
    {
        if (_dotnet.Contains((pid, exe))) return true;
        if (Path.GetFileName(exe) == "dotnet") { _dotnet.Add((pid, exe)); return true; }
        if (!_probed.Add((pid, exe, nr))) return false;
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/maps"))
                if (line.EndsWith("/libcoreclr.so", StringComparison.Ordinal) || line.Contains("memfd:doublemapper", StringComparison.Ordinal))
                {
                    _dotnet.Add((pid, exe));
                    return true;
                }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return false;
    }
}
