using System.Collections.Generic;
using Seccomp.Compiler.Policy;

namespace Seccomp.Compiler.Analysis
{
    /// <summary>One name of one rule: the unit a code fix removes.</summary>
    internal sealed class RuleEntry
    {
        public RuleEntry(RuleModel rule, int nameIndex)
        {
            Rule = rule;
            NameIndex = nameIndex;
        }

        public RuleModel Rule { get; }
        public int NameIndex { get; }
        public List<EntryMatch> Matches { get; } = new();

        /// <summary>Reported dead by <see cref="RuleCoverageChecks"/>: no longer counts when the entries after it are judged.</summary>
        public bool Removed { get; set; }
        public SeccompVerdict Verdict => Rule.Action;
    }
}
