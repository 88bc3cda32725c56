namespace Seccomp.Compiler.Analysis
{
    /// <summary>An entry on one syscall number of one architecture, with the argument vectors it matches.</summary>
    internal sealed class EntryMatch
    {
        public EntryMatch(ArchState arch, int nr, string syscall, RuleEntry entry, int set, SeccompVerdict verdict)
        {
            Arch = arch;
            Number = nr;
            Syscall = syscall;
            Entry = entry;
            Set = set;
            Verdict = verdict;
        }

        public ArchState Arch { get; }
        public int Number { get; }
        public string Syscall { get; }
        public RuleEntry Entry { get; }
        public int Set { get; }

        /// <summary>The entry's action, or the fixed action of the group member it came from.</summary>
        public SeccompVerdict Verdict { get; }
    }
}
