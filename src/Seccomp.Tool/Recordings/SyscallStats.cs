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

    // While recording: the ids behind Threads and Processes.
    internal readonly HashSet<int> Tids = new();
    internal readonly HashSet<int> Pids = new();

    public ArgStats? Arg(string name) => Args?.FirstOrDefault(a => a.Name == name);
}
