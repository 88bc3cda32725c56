using System.Collections.Generic;

namespace Seccomp.Compiler.Analysis
{
    /// <summary>
    /// One target architecture as <see cref="AnalysisState.Resolve"/> leaves it: its argument sets and, per syscall
    /// number, every rule entry that lands there.
    /// </summary>
    internal sealed class ArchState
    {
        public ArchState(ArchInfo info, int maxNodes)
        {
            Info = info;
            Sets = new ArgumentSets(maxNodes);
        }

        public ArchInfo Info { get; }
        public ArgumentSets Sets { get; }
        public Dictionary<int, List<EntryMatch>> ByNumber { get; } = new();
        public List<EntryMatch> At(int nr) => ByNumber.TryGetValue(nr, out var l) ? l : new List<EntryMatch>();
    }
}
