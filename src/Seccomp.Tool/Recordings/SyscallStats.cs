// Part of a recording (Recording.cs): one syscall on one architecture, how often, by whom, with which arguments.

using System.Collections.Generic;
using System.Linq;

namespace Seccomp.Tool;

/// <summary>One syscall on one architecture.</summary>
internal sealed class SyscallStats
{
    public SyscallStats(string name, int? nr)
    {
        Name = name;
        Nr = nr;
    }

    public string Name { get; }
    public int? Nr { get; }
    public long Count { get; set; }

    /// <summary>One per parameter of the call's prototype; null when the arguments are unknown (audit lines).</summary>
    public List<ArgStats>? Args { get; set; }

    /// <summary>Distinct threads and processes that made the call (summed over merged recordings).</summary>
    public long Threads { get; set; }
    public long Processes { get; set; }

    /// <summary>
    /// The executables (/proc/PID/exe) of the processes that made the call, at most <see cref="MaxExecutables"/>: which
    /// program made a call (the app, or a child such as /bin/ls) is what a reviewer needs to judge its rule.
    /// </summary>
    public SortedSet<string> Executables { get; } = new(System.StringComparer.Ordinal);

    public const int MaxExecutables = 16;

    public void AddExecutable(string path)
    {
        if (Executables.Count < MaxExecutables || Executables.Contains(path)) Executables.Add(path);
    }

    // While recording: the ids behind Threads and Processes.
    internal readonly HashSet<int> Tids = new();
    internal readonly HashSet<int> Pids = new();

    public ArgStats? Arg(string name) => Args?.FirstOrDefault(a => a.Name == name);
}
