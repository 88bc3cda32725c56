using System;
using System.Collections.Generic;
using System.Linq;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Diagnostics;

namespace Seccomp.Compiler.Analysis
{
    /// <summary>
    /// Rules, or names in a rule, that never decide a call (SECC0030), repeat what other rules already give (SECC0031)
    /// or what the default gives (SECC0032), and deny rules whose errno another deny rule overrides (SECC0033): each
    /// entry compared with every other entry on the same call, with exact argument sets.
    /// </summary>
    internal static class RuleCoverageChecks
    {
        /// <summary>
        /// Work budget of these checks, which compare every rule of a syscall with every other: the sum over syscalls
        /// of the square of their rule count. Beyond it (some 4,000 rules on one syscall, which only generated or
        /// repetitive policies reach) they report nothing, so a policy of any size is analyzed in time about linear in
        /// its size.
        /// </summary>
        public const long MaxCoverageWork = 16_000_000;

        private enum Dead { No, Unreachable, Duplicate, Errno, SameAsDefault }

        private sealed record MatchResult(Dead Kind, List<EntryMatch> By);

        /// <summary>The other live entries on the same call: what decides the calls <paramref name="p"/> matches.</summary>
        private static IEnumerable<EntryMatch> Pool(EntryMatch p) =>
            p.Arch.At(p.Number).Where(q => q.Entry != p.Entry && !q.Entry.Removed && q.Set != ArgumentSets.False);

        private static MatchResult Covered(EntryMatch p)
        {
            var sets = p.Arch.Sets;
            var others = Pool(p).ToList();
            var stricter = others.Where(q => q.Verdict.CompareTo(p.Verdict) < 0).ToList();
            int strict = sets.Union(stricter.Select(q => q.Set));
            if (sets.IsSubset(p.Set, strict))
            {
                var by = stricter.Where(q => sets.Intersects(q.Set, p.Set)).ToList();
                bool errno = p.Verdict.Action == SeccompAction.Errno && by.Any(q => q.Verdict.Action == SeccompAction.Errno);
                return new MatchResult(errno ? Dead.Errno : Dead.Unreachable, by);
            }
            var equal = others.Where(q => q.Verdict == p.Verdict).ToList();
            if (sets.IsSubset(p.Set, sets.Or(strict, sets.Union(equal.Select(q => q.Set)))))
            {
                var by = equal.Concat(stricter).Where(q => sets.Intersects(q.Set, p.Set)).ToList();
                return new MatchResult(Dead.Duplicate, by);
            }
            return new MatchResult(Dead.No, new List<EntryMatch>());
        }

        private static MatchResult SameAsDefault(EntryMatch p, SeccompVerdict defaultAction)
        {
            if (p.Verdict != defaultAction) return new MatchResult(Dead.No, new List<EntryMatch>());
            var sets = p.Arch.Sets;
            int stricterOrEqual = sets.Union(Pool(p).Where(q => q.Verdict.CompareTo(p.Verdict) <= 0).Select(q => q.Set));
            int decides = sets.Minus(p.Set, stricterOrEqual);
            // Looser rules count even when dead: this rule may be what makes them dead.
            int looser = sets.Union(p.Arch.At(p.Number).Where(q => q.Verdict.CompareTo(p.Verdict) > 0).Select(q => q.Set));
            return sets.Intersects(decides, looser) ? new MatchResult(Dead.No, new List<EntryMatch>()) : new MatchResult(Dead.SameAsDefault, new List<EntryMatch>());
        }

        public static void Run(AnalysisState state)
        {
            long work = 0;
            foreach (var arch in state.Archs)
                foreach (var pairs in arch.ByNumber.Values)
                    work += (long)pairs.Count * pairs.Count;
            if (work > MaxCoverageWork) return;

            // Later rules first, so of two identical rules the later one is reported; each dead entry leaves the
            // pool, so that removing every reported entry never changes what the policy does.
            var order = state.Entries.OrderByDescending(e => e.Rule.Index).ThenByDescending(e => e.NameIndex).ToList();
            var dead = new Dictionary<RuleEntry, (Dead Kind, List<MatchResult> Results)>();

            foreach (var phase in new Func<EntryMatch, MatchResult>[] { Covered, p => SameAsDefault(p, state.Default) })
            {
                foreach (var entry in order)
                {
                    state.Ct.ThrowIfCancellationRequested();
                    if (entry.Removed) continue;
                    var live = entry.Matches.Where(p => p.Set != ArgumentSets.False).ToList();
                    if (live.Count == 0) continue;
                    var results = new List<MatchResult>();
                    foreach (var p in live)
                    {
                        var r = phase(p);
                        if (r.Kind == Dead.No) { results = null; break; }
                        results.Add(r);
                    }
                    if (results == null) continue;
                    var kind = results.Any(r => r.Kind == Dead.Errno) ? Dead.Errno
                        : results.All(r => r.Kind == Dead.Unreachable) ? Dead.Unreachable
                        : results[0].Kind == Dead.SameAsDefault ? Dead.SameAsDefault : Dead.Duplicate;
                    entry.Removed = true;
                    dead[entry] = (kind, results);
                }
            }

            foreach (var group in state.Entries.Where(dead.ContainsKey).GroupBy(e => e.Rule))
            {
                var rule = group.Key;
                var entries = group.ToList();
                bool whole = entries.Count == rule.Syscalls.Count;
                if (whole)
                {
                    var first = dead[entries[0]];
                    var explanations = entries.Select(e => Explain(dead[e].Kind, e, dead[e].Results, state.Default)).Distinct().ToList();
                    string why = explanations.Count == 1
                        ? explanations[0]
                        : string.Join("; ", entries.Select(e => $"'{rule.Syscalls[e.NameIndex]}': {Explain(dead[e].Kind, e, dead[e].Results, state.Default)}"));
                    state.Add(KindOf(first.Kind), $"{PolicyText.Rule(rule)} {Verb(first.Kind, entries[0])}: {why}", rule.Index, LocationSite.Policy);
                }
                else
                {
                    foreach (var e in entries)
                    {
                        var (kind, results) = dead[e];
                        state.Add(KindOf(kind), $"{PolicyText.Subject(rule, e.NameIndex)} {Verb(kind, e)}: {Explain(kind, e, results, state.Default)}",
                            rule.Index, LocationSite.SyscallName, name: e.NameIndex);
                    }
                }
            }

            PartialErrnoConflicts(state);
        }

        private static string KindOf(Dead kind) => kind switch
        {
            Dead.Unreachable => DiagnosticIds.UnreachableRule,
            Dead.Duplicate => DiagnosticIds.DuplicateRule,
            Dead.Errno => DiagnosticIds.ConflictingErrno,
            _ => DiagnosticIds.RuleSameAsDefault,
        };

        private static string Verb(Dead kind, RuleEntry e) => kind switch
        {
            Dead.Unreachable => "never decides a call",
            Dead.Duplicate => "is a duplicate",
            Dead.Errno => $"never returns {ErrnoNames.Of(e.Verdict.Data)}",
            _ => "changes nothing",
        };

        private static string Rules(IEnumerable<EntryMatch> pairs)
        {
            var rules = pairs.Select(p => p.Entry.Rule).Distinct().OrderBy(r => r.Index).ToList();
            var shown = rules.Take(3).Select(PolicyText.Rule).ToList();
            if (rules.Count > 3) shown.Add($"{rules.Count - 3} more");
            return PolicyText.List(shown);
        }

        private static string Explain(Dead kind, RuleEntry e, List<MatchResult> results, SeccompVerdict defaultAction)
        {
            var by = results.SelectMany(r => r.By).ToList();
            var byRules = by.Select(p => p.Entry.Rule).Distinct().ToList();
            string rules = Rules(by);
            string verb = byRules.Count == 1 ? "matches" : "match";
            switch (kind)
            {
                case Dead.Unreachable:
                {
                    var verdicts = by.Select(p => p.Verdict).Distinct().ToList();
                    string stronger = verdicts.Count == 1 ? PolicyText.Verdict(verdicts[0]) : "their actions";
                    return $"{rules} {verb} wherever it does, and {stronger} {(verdicts.Count == 1 ? "is" : "are")} more restrictive than {PolicyText.Verdict(e.Verdict)}";
                }
                case Dead.Duplicate:
                {
                    bool same = by.All(p => p.Verdict == e.Verdict);
                    return $"{rules} already {(byRules.Count == 1 ? "gives" : "give")} {PolicyText.Verdict(e.Verdict)}"
                        + (same ? "" : " or a more restrictive action") + " wherever it matches";
                }
                case Dead.Errno:
                {
                    var winners = by.Where(p => p.Verdict.Action == SeccompAction.Errno).Select(p => p.Verdict).Distinct().OrderBy(v => v).ToList();
                    return $"{rules} {verb} the same calls, and the most restrictive action wins: "
                        + $"{PolicyText.List(winners.Select(PolicyText.Verdict), "or")} rather than {PolicyText.Verdict(e.Verdict)} (the smaller errno)";
                }
                default:
                    return $"the default action is already {PolicyText.Verdict(defaultAction)} and no more permissive rule matches these calls";
            }
        }

        /// <summary>
        /// Deny rules with different errno values that overlap without one being a narrower exception to the other:
        /// where both match, the smaller errno wins, whatever the attribute order.
        /// </summary>
        private static void PartialErrnoConflicts(AnalysisState state)
        {
            foreach (var entry in state.Entries)
            {
                if (entry.Removed || entry.Verdict.Action != SeccompAction.Errno) continue;
                var against = new List<(EntryMatch P, EntryMatch Q)>();
                foreach (var p in entry.Matches.Where(p => p.Set != ArgumentSets.False))
                {
                    var sets = p.Arch.Sets;
                    foreach (var q in Pool(p))
                    {
                        if (q.Verdict.Action != SeccompAction.Errno || q.Verdict.CompareTo(p.Verdict) >= 0) continue;
                        if (!sets.Intersects(p.Set, q.Set)) continue;
                        if (sets.IsSubset(q.Set, p.Set)) continue; // a narrower exception, on purpose
                        if (against.All(a => a.Q.Entry.Rule != q.Entry.Rule)) against.Add((p, q));
                    }
                }
                foreach (var (p, q) in against)
                {
                    string example = Example(p, p.Arch.Sets.And(p.Set, q.Set));
                    state.Add(DiagnosticIds.ConflictingErrno,
                        $"{PolicyText.Subject(entry.Rule, entry.NameIndex)} and {PolicyText.Rule(q.Entry.Rule)} both match some calls "
                        + $"(e.g. {example}) with different errno values: there {PolicyText.Verdict(q.Verdict)} wins over {PolicyText.Verdict(p.Verdict)}",
                        entry.Rule.Index, entry.Rule.Syscalls.Count == 1 ? LocationSite.Policy : LocationSite.SyscallName,
                        name: entry.Rule.Syscalls.Count == 1 ? -1 : entry.NameIndex);
                }
            }
        }

        /// <summary>A call in <paramref name="set"/>, written with the arguments it depends on: <c>openat(flags=0x40)</c>.</summary>
        private static string Example(EntryMatch p, int set)
        {
            var args = p.Arch.Sets.Example(set) ?? new ulong[ArgumentSets.Arguments];
            int support = p.Arch.Sets.Support(set);
            var parameters = Signatures.Get(p.Syscall, p.Arch.Info.Arch);
            var shown = new List<string>();
            for (int i = 0; i < ArgumentSets.Arguments; i++)
            {
                if ((support & (1 << i)) == 0) continue;
                string name = parameters != null && i < parameters.Count ? parameters[i].Name : "arg" + i;
                shown.Add(name + "=" + PolicyText.Hex(args[i]));
            }
            return p.Syscall + "(" + string.Join(", ", shown) + ")";
        }
    }
}
