// Part of a recording (Recording.cs): the distinct values one argument took, up to a bound.

using System.Collections.Generic;

namespace Seccomp.Tool;

/// <summary>The values one argument of one syscall took.</summary>
internal sealed class ArgStats
{
    public const int MaxDistinct = 64;

    public ArgStats(string name, bool pointer)
    {
        Name = name;
        Pointer = pointer;
    }

    public string Name { get; }

    /// <summary>A pointer argument: its values are addresses and are not kept.</summary>
    public bool Pointer { get; }

    /// <summary>More than <see cref="MaxDistinct"/> distinct values were seen; <see cref="Values"/> is then empty.</summary>
    public bool Many { get; private set; }

    public SortedSet<ulong> Values { get; } = new();

    public void Add(ulong value)
    {
        if (Pointer || Many) return;
        if (Values.Add(value) && Values.Count > MaxDistinct)
        {
            Many = true;
            Values.Clear();
        }
    }

    public void SetMany()
    {
        Many = true;
        Values.Clear();
    }
}
