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

    /// <summary>
    /// The executable of task <paramref name="tid"/>, read on every notification rather than cached per task: execve
    /// changes it under the same id (a vfork child becomes /bin/ls), and a thread that execs takes the leader's id.
    /// Null when the task is gone or not readable.
    /// </summary>
    public static string? ExecutableOf(int tid)
    {
        try
        {
            return File.ResolveLinkTarget($"/proc/{tid}/exe", returnFinalTarget: false)?.FullName;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
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
