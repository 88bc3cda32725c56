using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Diagnostics;
using Seccomp.Compiler.Policy;

namespace Seccomp.Compiler.Analysis
{
    /// <summary>
    /// Questionable but valid policy: rules that never decide a call or repeat others or the default, conflicting
    /// errno values, constant conditions, flags compared for equality (<see cref="FlagComparisons"/>), dangerous allowances, KILL_THREAD, Trace/Notify, calls the .NET runtime
    /// needs, and denials an equivalent call gets around (<see cref="EquivalentCallAnalysis"/>). Every check works on the resolved model of each target architecture (syscall numbers, bound conditions)
    /// and on exact sets of argument vectors (<see cref="ArgumentSets"/>), never on the text.
    /// Run on a policy that <see cref="PolicyChecker.Check"/> found free of errors (PolicyCompiler does).
    /// </summary>
    internal static class PolicyAnalysis
    {
        /// <summary>Node budget of the argument sets of one architecture; beyond it the set-based checks report nothing.</summary>
        public const int DefaultMaxNodes = 500_000;

        /// <summary>
        /// Work budget of the checks that compare every rule of a syscall with every other (unreachable, duplicate,
        /// same as the default, conflicting errno): the sum over syscalls of the square of their rule count. Beyond
        /// it (some 4,000 rules on one syscall, which only generated or repetitive policies reach) they report nothing,
        /// so a policy of any size is analyzed in time about linear in its size.
        /// </summary>
        public const long MaxCoverageWork = 16_000_000;

        /// <summary>The findings on a policy free of errors; <paramref name="bindings"/> holds its bound conditions.</summary>
        public static List<PolicyDiagnostic> Analyze(PolicyModel policy, ConditionBindings bindings, CancellationToken ct = default, int maxNodes = DefaultMaxNodes) =>
            new Analyzer(policy, bindings, ct, maxNodes).Run();

        public static bool IsDenying(SeccompAction kind) => kind <= SeccompAction.Errno;

        private sealed class ArchState
        {
            public ArchState(ArchInfo info, int maxNodes)
            {
                Info = info;
                Sets = new ArgumentSets(maxNodes);
            }

            public ArchInfo Info { get; }
            public ArgumentSets Sets { get; }
            public Dictionary<int, List<Pair>> ByNumber { get; } = new();
            public List<Pair> At(int nr) => ByNumber.TryGetValue(nr, out var l) ? l : new List<Pair>();
        }

        /// <summary>One name of one rule: the unit a code fix removes.</summary>
        private sealed class Entry
        {
            public Entry(RuleModel rule, int nameIndex)
            {
                Rule = rule;
                NameIndex = nameIndex;
            }

            public RuleModel Rule { get; }
            public int NameIndex { get; }
            public List<Pair> Pairs { get; } = new();
            public bool Removed { get; set; }
            public Verdict Verdict => Rule.Action;
        }

        /// <summary>An entry on one syscall number of one architecture, with the argument vectors it matches.</summary>
        private sealed class Pair
        {
            public Pair(ArchState arch, int nr, string syscall, Entry entry, int set, Verdict verdict)
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
            public Entry Entry { get; }
            public int Set { get; }

            /// <summary>The entry's action, or the fixed action of the group member it came from.</summary>
            public Verdict Verdict { get; }
        }

        private sealed class Analyzer
        {
            private readonly PolicyModel _policy;
            private readonly CancellationToken _ct;
            private readonly List<PolicyDiagnostic> _findings = new();
            private readonly ConditionBindings _bindings;
            private readonly List<ArchState> _archs = new();
            private readonly List<Entry> _entries = new();
            
            private readonly int _maxNodes;

            public Analyzer(PolicyModel policy, ConditionBindings bindings, CancellationToken ct, int maxNodes)
            {
                _bindings = bindings;
                _policy = policy;
                _ct = ct;
                _maxNodes = maxNodes;
            }

            private Verdict Default => _policy.DefaultAction;

            public List<PolicyDiagnostic> Run()
            {
                SimpleChecks();
                _findings.AddRange(FlagComparisons.Find(_policy, _bindings));
                var simple = new List<PolicyDiagnostic>(_findings);
                try
                {
                    Resolve();
                    Conditions();
                    Coverage();
                    Dangerous();
                    RuntimeNeeds();
                    _findings.AddRange(EquivalentCallAnalysis.Analyze(_policy, _bindings, _ct, _maxNodes));
                }
                catch (ArgumentSetBudgetExceededException)
                {
                    // Too large to decide exactly: report nothing that would need it.
                    return simple;
                }
                return _findings;
            }

            // ---- KILL_THREAD, Trace and Notify: no sets needed --------------------------------------------------

            private void SimpleChecks()
            {
                const string killThread = "a .NET process always runs several threads (GC, finalizer, thread pool, timers): "
                    + "killing only the calling one leaves the others running, often waiting forever on what it held";
                foreach (var (property, verdict) in PolicyVerdicts())
                {
                    if (verdict.Kind == SeccompAction.KillThread)
                        Add(DiagnosticIds.KillThread, $"{PolicyDiagnostic.SettingToken} = KillThread kills only the calling thread: {killThread}; use KillProcess",
                            PolicyLocation.Policy(property));
                    if (verdict.Kind is SeccompAction.Trace or SeccompAction.Notify)
                        Add(DiagnosticIds.NeedsTracerOrListener, $"{PolicyDiagnostic.SettingToken} = {verdict.Kind}: {HandlerText(verdict.Kind)}",
                            PolicyLocation.Policy(property));
                }
                foreach (var rule in _policy.Rules)
                {
                    if (rule.Action.Kind == SeccompAction.KillThread)
                        Add(DiagnosticIds.KillThread, $"{PolicyText.Rule(rule)} kills only the calling thread: {killThread}; "
                            + $"remove '{PolicyDiagnostic.SettingToken} = true' to kill the process", new PolicyLocation(rule.Index, LocationSite.RuleProperty, Property: PolicyProperty.RuleKillThread));
                    if (rule.Action.Kind is SeccompAction.Trace or SeccompAction.Notify)
                        Add(DiagnosticIds.NeedsTracerOrListener, $"{PolicyText.Rule(rule)}: {HandlerText(rule.Action.Kind)}",
                            rule.Index, LocationSite.Policy);
                }
            }

            private IEnumerable<(PolicyProperty Property, Verdict Verdict)> PolicyVerdicts()
            {
                yield return (PolicyProperty.DefaultAction, _policy.DefaultAction);
                yield return (PolicyProperty.BadArchAction, _policy.BadArchAction);
                yield return (PolicyProperty.UnknownSyscalls, _policy.UnknownSyscallAction);
            }

            private static string HandlerText(SeccompAction kind) => kind == SeccompAction.Notify
                ? "the calls wait for a supervisor holding the listener fd (Apply with SeccompOptions.CreateListener); without a listener they fail with ENOSYS"
                : "the calls stop for a ptrace tracer (PTRACE_O_TRACESECCOMP); without a tracer attached they fail with ENOSYS";

            private void Add(string id, string message, int rule, LocationSite site, int name = -1, int start = 0, int length = 0) =>
                Add(id, message, new PolicyLocation(rule, site, name, start, length));

            private void Add(string id, string message, PolicyLocation at) => _findings.Add(new PolicyDiagnostic(id, message, at, Fix: FixFor(id, at)));

            /// <summary>The code fix that removes or repairs what a finding points at, where one is obvious.</summary>
            private static string? FixFor(string id, PolicyLocation at) => id switch
            {
                DiagnosticIds.UnreachableRule or DiagnosticIds.DuplicateRule or DiagnosticIds.RuleSameAsDefault =>
                    at.Site == LocationSite.SyscallName ? FixKinds.RemoveName : at.RuleIndex >= 0 ? FixKinds.RemoveRule : null,
                DiagnosticIds.KillThread => at.RuleIndex >= 0 ? FixKinds.RemoveThread : FixKinds.KillProcess,
                _ => null,
            };

            // ---- Resolution: every name of every rule on every architecture, with its argument set -------------------

            private void Resolve()
            {
                foreach (var target in _policy.Architectures.Distinct())
                    _archs.Add(new ArchState(ArchInfo.Get(target), _maxNodes));
                foreach (var rule in _policy.Rules)
                    for (int i = 0; i < rule.Syscalls.Count; i++)
                        _entries.Add(new Entry(rule, i));

                foreach (var arch in _archs)
                {
                    var bound = new Dictionary<(int Rule, string Name, string? MemberWhen), int>();
                    foreach (var entry in _entries)
                    {
                        _ct.ThrowIfCancellationRequested();
                        foreach (var x in PolicyResolver.ExpandEntry(entry.Rule.Syscalls[entry.NameIndex], arch.Info, entry.Verdict))
                        {
                            string name = x.Name;
                            int nr = x.Number;
                            if (!bound.TryGetValue((entry.Rule.Index, name, x.Member?.When), out int set))
                            {
                                var condition = PolicyResolver.And(_bindings.TryBind(entry.Rule.When, name, arch.Info),
                                    _bindings.TryBind(x.Member?.When, name, arch.Info));
                                set = condition == null ? ArgumentSets.True : arch.Sets.Of(condition);
                                bound[(entry.Rule.Index, name, x.Member?.When)] = set;
                            }
                            var pair = new Pair(arch, nr, name, entry, set, x.Member?.Action ?? entry.Verdict);
                            entry.Pairs.Add(pair);
                            if (!arch.ByNumber.TryGetValue(nr, out var list)) arch.ByNumber[nr] = list = new List<Pair>();
                            list.Add(pair);
                        }
                    }
                }
            }

            // ---- Constant conditions ------------------------------------------------------------------------------

            private void Conditions()
            {
                var byRule = _entries.ToLookup(e => e.Rule);
                foreach (var rule in _policy.Rules)
                {
                    if (rule.When == null) continue;
                    var parts = new Dictionary<(int Start, int Length, bool Value), (ConstantPart Part, List<(string Syscall, string Arch)> Where)>();
                    var order = new List<(int, int, bool)>();
                    int total = 0;
                    var allSyscalls = new List<string>();
                    foreach (var arch in _archs)
                    {
                        var names = new HashSet<string>();
                        foreach (var entry in byRule[rule])
                            foreach (var x in PolicyResolver.ExpandEntry(rule.Syscalls[entry.NameIndex], arch.Info, rule.Action))
                                names.Add(x.Name);
                        foreach (var name in names.OrderBy(n => n, StringComparer.Ordinal))
                        {
                            _ct.ThrowIfCancellationRequested();
                            var bound = _bindings.Bind(rule.When, name, arch.Info);
                            var condition = bound.Condition;
                            var spans = bound.Spans;
                            if (condition == null) continue;
                            total++;
                            if (!allSyscalls.Contains(name)) allSyscalls.Add(name);
                            var found = ConditionAnalysis.Find(arch.Sets, condition, spans, rule.When, Signatures.Get(name, arch.Info.Arch));
                            foreach (var part in found)
                            {
                                var key = (part.Span.Start, part.Span.Length, part.AlwaysTrue);
                                if (!parts.TryGetValue(key, out var entry))
                                {
                                    parts[key] = entry = (part, new List<(string, string)>());
                                    order.Add(key);
                                }
                                entry.Where.Add((name, arch.Info.Name));
                            }
                        }
                    }

                    foreach (var key in order)
                    {
                        var (part, where) = parts[key];
                        string qualifier = where.Count == total ? "" : " " + Where(where, allSyscalls);
                        string rt = PolicyText.Rule(rule);
                        string text = rule.When.Substring(part.Span.Start, part.Span.Length);
                        string message = (part.IsWhole, part.AlwaysTrue) switch
                        {
                            (true, false) => $"{rt}: the condition is never true{qualifier}: {part.Reason}; the rule applies to no call",
                            (true, true) => $"{rt}: the condition is always true{qualifier}: {part.Reason}; the rule applies to every call, as without When",
                            (false, false) => $"{rt}: '{text}' is never true{qualifier}: {part.Reason}",
                            _ => $"{rt}: '{text}' is always true{qualifier}: {part.Reason}",
                        };
                        Add(part.AlwaysTrue ? DiagnosticIds.ConditionAlwaysTrue : DiagnosticIds.ConditionNeverTrue, message,
                            rule.Index, LocationSite.Condition, start: part.Span.Start, length: part.Span.Length);
                    }
                }
            }

            /// <summary>"for openat on aarch64": the syscalls and architectures where a finding holds, when not all.</summary>
            private string Where(List<(string Syscall, string Arch)> where, List<string> allSyscalls)
            {
                var syscalls = where.Select(w => w.Syscall).Distinct().ToList();
                var archs = where.Select(w => w.Arch).Distinct().ToList();
                var parts = new List<string>();
                if (syscalls.Count < allSyscalls.Count) parts.Add("for " + PolicyText.List(syscalls));
                if (archs.Count < _archs.Count) parts.Add("on " + PolicyText.List(archs));
                return parts.Count == 0 ? "for some of its syscalls" : string.Join(" ", parts);
            }

            // ---- Unreachable, duplicate, same as the default, conflicting errno ----------------------------------------

            private enum Dead { No, Unreachable, Duplicate, Errno, SameAsDefault }

            private sealed record PairResult(Dead Kind, List<Pair> By);

            private IEnumerable<Pair> Pool(Pair p) =>
                p.Arch.At(p.Number).Where(q => q.Entry != p.Entry && !q.Entry.Removed && q.Set != ArgumentSets.False);

            private PairResult Covered(Pair p)
            {
                var sets = p.Arch.Sets;
                var others = Pool(p).ToList();
                var stricter = others.Where(q => q.Verdict.CompareTo(p.Verdict) < 0).ToList();
                int strict = sets.Union(stricter.Select(q => q.Set));
                if (sets.IsSubset(p.Set, strict))
                {
                    var by = stricter.Where(q => sets.Intersects(q.Set, p.Set)).ToList();
                    bool errno = p.Verdict.Kind == SeccompAction.Errno && by.Any(q => q.Verdict.Kind == SeccompAction.Errno);
                    return new PairResult(errno ? Dead.Errno : Dead.Unreachable, by);
                }
                var equal = others.Where(q => q.Verdict == p.Verdict).ToList();
                if (sets.IsSubset(p.Set, sets.Or(strict, sets.Union(equal.Select(q => q.Set)))))
                {
                    var by = equal.Concat(stricter).Where(q => sets.Intersects(q.Set, p.Set)).ToList();
                    return new PairResult(Dead.Duplicate, by);
                }
                return new PairResult(Dead.No, new List<Pair>());
            }

            private PairResult SameAsDefault(Pair p)
            {
                if (p.Verdict != Default) return new PairResult(Dead.No, new List<Pair>());
                var sets = p.Arch.Sets;
                int stricterOrEqual = sets.Union(Pool(p).Where(q => q.Verdict.CompareTo(p.Verdict) <= 0).Select(q => q.Set));
                int decides = sets.Minus(p.Set, stricterOrEqual);
                // Looser rules count even when dead: this rule may be what makes them dead.
                int looser = sets.Union(p.Arch.At(p.Number).Where(q => q.Verdict.CompareTo(p.Verdict) > 0).Select(q => q.Set));
                return sets.Intersects(decides, looser) ? new PairResult(Dead.No, new List<Pair>()) : new PairResult(Dead.SameAsDefault, new List<Pair>());
            }

            private void Coverage()
            {
                long work = 0;
                foreach (var arch in _archs)
                    foreach (var pairs in arch.ByNumber.Values)
                        work += (long)pairs.Count * pairs.Count;
                if (work > MaxCoverageWork) return;

                // Later rules first, so of two identical rules the later one is reported; each dead entry leaves the
                // pool, so that removing every reported entry never changes what the policy does.
                var order = _entries.OrderByDescending(e => e.Rule.Index).ThenByDescending(e => e.NameIndex).ToList();
                var dead = new Dictionary<Entry, (Dead Kind, List<PairResult> Results)>();

                foreach (var phase in new Func<Pair, PairResult>[] { Covered, SameAsDefault })
                {
                    foreach (var entry in order)
                    {
                        _ct.ThrowIfCancellationRequested();
                        if (entry.Removed) continue;
                        var live = entry.Pairs.Where(p => p.Set != ArgumentSets.False).ToList();
                        if (live.Count == 0) continue;
                        var results = new List<PairResult>();
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

                foreach (var group in _entries.Where(dead.ContainsKey).GroupBy(e => e.Rule))
                {
                    var rule = group.Key;
                    var entries = group.ToList();
                    bool whole = entries.Count == rule.Syscalls.Count;
                    if (whole)
                    {
                        var first = dead[entries[0]];
                        var explanations = entries.Select(e => Explain(dead[e].Kind, e, dead[e].Results)).Distinct().ToList();
                        string why = explanations.Count == 1
                            ? explanations[0]
                            : string.Join("; ", entries.Select(e => $"'{rule.Syscalls[e.NameIndex]}': {Explain(dead[e].Kind, e, dead[e].Results)}"));
                        Add(KindOf(first.Kind), $"{PolicyText.Rule(rule)} {Verb(first.Kind, entries[0])}: {why}", rule.Index, LocationSite.Policy);
                    }
                    else
                    {
                        foreach (var e in entries)
                        {
                            var (kind, results) = dead[e];
                            Add(KindOf(kind), $"{PolicyText.Subject(rule, e.NameIndex)} {Verb(kind, e)}: {Explain(kind, e, results)}",
                                rule.Index, LocationSite.SyscallName, name: e.NameIndex);
                        }
                    }
                }

                PartialErrnoConflicts();
            }

            private static string KindOf(Dead kind) => kind switch
            {
                Dead.Unreachable => DiagnosticIds.UnreachableRule,
                Dead.Duplicate => DiagnosticIds.DuplicateRule,
                Dead.Errno => DiagnosticIds.ConflictingErrno,
                _ => DiagnosticIds.RuleSameAsDefault,
            };

            private static string Verb(Dead kind, Entry e) => kind switch
            {
                Dead.Unreachable => "never decides a call",
                Dead.Duplicate => "is a duplicate",
                Dead.Errno => $"never returns {ErrnoNames.Of(e.Verdict.Data)}",
                _ => "changes nothing",
            };

            private static string Rules(IEnumerable<Pair> pairs)
            {
                var rules = pairs.Select(p => p.Entry.Rule).Distinct().OrderBy(r => r.Index).ToList();
                var shown = rules.Take(3).Select(PolicyText.Rule).ToList();
                if (rules.Count > 3) shown.Add($"{rules.Count - 3} more");
                return PolicyText.List(shown);
            }

            private string Explain(Dead kind, Entry e, List<PairResult> results)
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
                        var winners = by.Where(p => p.Verdict.Kind == SeccompAction.Errno).Select(p => p.Verdict).Distinct().OrderBy(v => v).ToList();
                        return $"{rules} {verb} the same calls, and the most restrictive action wins: "
                            + $"{PolicyText.List(winners.Select(PolicyText.Verdict), "or")} rather than {PolicyText.Verdict(e.Verdict)} (the smaller errno)";
                    }
                    default:
                        return $"the default action is already {PolicyText.Verdict(Default)} and no more permissive rule matches these calls";
                }
            }

            /// <summary>
            /// Deny rules with different errno values that overlap without one being a narrower exception to the other:
            /// where both match, the smaller errno wins, whatever the attribute order.
            /// </summary>
            private void PartialErrnoConflicts()
            {
                foreach (var entry in _entries)
                {
                    if (entry.Removed || entry.Verdict.Kind != SeccompAction.Errno) continue;
                    var against = new List<(Pair P, Pair Q)>();
                    foreach (var p in entry.Pairs.Where(p => p.Set != ArgumentSets.False))
                    {
                        var sets = p.Arch.Sets;
                        foreach (var q in Pool(p))
                        {
                            if (q.Verdict.Kind != SeccompAction.Errno || q.Verdict.CompareTo(p.Verdict) >= 0) continue;
                            if (!sets.Intersects(p.Set, q.Set)) continue;
                            if (sets.IsSubset(q.Set, p.Set)) continue; // a narrower exception, on purpose
                            if (against.All(a => a.Q.Entry.Rule != q.Entry.Rule)) against.Add((p, q));
                        }
                    }
                    foreach (var (p, q) in against)
                    {
                        string example = Example(p, p.Arch.Sets.And(p.Set, q.Set));
                        Add(DiagnosticIds.ConflictingErrno,
                            $"{PolicyText.Subject(entry.Rule, entry.NameIndex)} and {PolicyText.Rule(q.Entry.Rule)} both match some calls "
                            + $"(e.g. {example}) with different errno values: there {PolicyText.Verdict(q.Verdict)} wins over {PolicyText.Verdict(p.Verdict)}",
                            entry.Rule.Index, entry.Rule.Syscalls.Count == 1 ? LocationSite.Policy : LocationSite.SyscallName,
                            name: entry.Rule.Syscalls.Count == 1 ? -1 : entry.NameIndex);
                    }
                }
            }

            /// <summary>A call in <paramref name="set"/>, written with the arguments it depends on: <c>openat(flags=0x40)</c>.</summary>
            private static string Example(Pair p, int set)
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

            // ---- What a syscall's calls get, by region of argument vectors ------------------------------------------

            /// <summary>The policy's outcome for a syscall number: each verdict with the argument vectors that get it.</summary>
            private List<(Verdict Verdict, int Set)> Outcomes(ArchState arch, int nr)
            {
                var sets = arch.Sets;
                var result = new List<(Verdict, int)>();
                int remaining = ArgumentSets.True;
                foreach (var group in arch.At(nr).GroupBy(p => p.Verdict).OrderBy(g => g.Key))
                {
                    int region = sets.And(sets.Union(group.Select(p => p.Set)), remaining);
                    if (region == ArgumentSets.False) continue;
                    result.Add((group.Key, region));
                    remaining = sets.Minus(remaining, region);
                }
                if (remaining != ArgumentSets.False) result.Add((Default, remaining));
                return result;
            }

            private static bool Allows(SeccompAction kind) => kind is SeccompAction.Allow or SeccompAction.Log;

            // ---- Dangerous allowances ---------------------------------------------------------------------------------

            private void Dangerous()
            {
                if (Allows(Default.Kind)) return;
                var found = new Dictionary<(Entry Entry, string Syscall), (DangerousCall Call, bool Conditional)>();
                var order = new List<(Entry, string)>();
                foreach (var arch in _archs)
                {
                    foreach (var call in SandboxFacts.Dangerous)
                    {
                        _ct.ThrowIfCancellationRequested();
                        if (!arch.Info.TryGetNumber(call.Syscall, out int nr)) continue;
                        var sets = arch.Sets;
                        int allowed = sets.Union(Outcomes(arch, nr).Where(o => Allows(o.Verdict.Kind)).Select(o => o.Set));
                        int danger = call.DangerousArgs?.Invoke(sets, arch.Info, Signatures.Get(call.Syscall, arch.Info.Arch)) ?? ArgumentSets.True;
                        int bad = sets.And(allowed, danger);
                        if (bad == ArgumentSets.False) continue;
                        foreach (var p in arch.At(nr).Where(p => Allows(p.Verdict.Kind) && sets.Intersects(p.Set, bad)))
                        {
                            var key = (p.Entry, call.Syscall);
                            if (!found.ContainsKey(key)) { found[key] = (call, p.Entry.Rule.When != null); order.Add(key); }
                        }
                    }
                }
                foreach (var key in order)
                {
                    var (entry, syscall) = key;
                    var (call, conditional) = found[key];
                    var rule = entry.Rule;
                    string subject = PolicyText.Subject(rule, entry.NameIndex);
                    string what = call.What != null ? $"{syscall} {call.What}" : syscall;
                    string how = call.What == null ? ""
                        : conditional ? " (its condition does not exclude it)" : "";
                    string advice = call.Advice != null ? "; " + call.Advice : "";
                    Add(DiagnosticIds.DangerousAllowance,
                        $"{subject} allows {what}{how} while the default action is {PolicyText.Verdict(Default)}: {call.Reason}{advice}",
                        rule.Index, rule.Syscalls.Count == 1 ? LocationSite.Policy : LocationSite.SyscallName,
                        name: rule.Syscalls.Count == 1 ? -1 : entry.NameIndex);
                }
            }

            // ---- Calls the runtime needs -----------------------------------------------------------------------------

            private void RuntimeNeeds()
            {
                // Who denies what: an entry with an unconditional denying rule, or the default action (null).
                var byEntry = new Dictionary<Entry, List<(string Syscall, string Reason, string Arch)>>();
                var entryOrder = new List<Entry>();
                var byDefault = new List<(string Syscall, string Reason, string Arch)>();

                void Blame(ArchState arch, int nr, string syscall, string reason, int where)
                {
                    var sets = arch.Sets;
                    var deniers = arch.At(nr).Where(p => IsDenying(p.Verdict.Kind) && sets.IsSubset(where, p.Set))
                        .OrderBy(p => p.Verdict).ToList();
                    if (deniers.Count > 0)
                    {
                        var e = deniers[0].Entry;
                        if (!byEntry.TryGetValue(e, out var list)) { byEntry[e] = list = new(); entryOrder.Add(e); }
                        list.Add((syscall, reason, arch.Info.Name));
                    }
                    else
                    {
                        byDefault.Add((syscall, reason, arch.Info.Name));
                    }
                }

                foreach (var arch in _archs)
                {
                    var sets = arch.Sets;
                    foreach (var need in SandboxFacts.RuntimeNeeds)
                    {
                        _ct.ThrowIfCancellationRequested();
                        if (!arch.Info.TryGetNumber(need.Syscall, out int nr)) continue;
                        var outcomes = Outcomes(arch, nr);
                        if (outcomes.All(o => IsDenying(o.Verdict.Kind)))
                            Blame(arch, nr, need.Syscall, need.Reason, ArgumentSets.True);
                    }

                    // Threads: glibc tries clone3 and falls back to clone only when clone3 fails with ENOSYS.
                    bool has3 = arch.Info.TryGetNumber("clone3", out int nr3);
                    if (has3)
                    {
                        var o3 = Outcomes(arch, nr3);
                        if (o3.Any(o => !IsDenying(o.Verdict.Kind))) continue;
                        if (o3.Any(o => o.Verdict != Verdict.Errno(38)))
                        {
                            var v = o3.Where(o => o.Verdict != Verdict.Errno(38)).Select(o => o.Verdict).Min();
                            Blame(arch, nr3, "clone3",
                                $"glibc creates threads with clone3 and falls back to clone only when clone3 fails with ENOSYS, not with {PolicyText.Verdict(v)}: "
                                + "the runtime cannot start threads; deny clone3 with Errno = Errno.ENOSYS", ArgumentSets.True);
                            continue;
                        }
                    }
                    if (!arch.Info.TryGetNumber("clone", out int nrClone)) continue;
                    var parameters = Signatures.Get("clone", arch.Info.Arch);
                    var flagsType = parameters != null && parameters.Count > 0 ? parameters[0].Type : ArgType.Unknown64;
                    int thread = sets.MaskedInRange(0, flagsType.Bits, flagsType.WidthMask, SandboxFacts.ThreadCloneFlags, SandboxFacts.ThreadCloneFlags);
                    int allowedClone = sets.Union(Outcomes(arch, nrClone).Where(o => !IsDenying(o.Verdict.Kind)).Select(o => o.Set));
                    if (!sets.IsSubset(thread, allowedClone))
                        Blame(arch, nrClone, "clone",
                            (has3 ? "clone3 fails with ENOSYS, so glibc creates threads with clone, " : "glibc creates threads with clone, ")
                            + $"but clone with the flags of a new thread ({SandboxFacts.ThreadCloneFlagsText}) is denied: the runtime cannot start threads",
                            sets.Minus(thread, allowedClone));
                }

                foreach (var e in entryOrder)
                {
                    var list = byEntry[e];
                    Add(DiagnosticIds.RuntimeNeedsSyscall,
                        $"{PolicyText.Subject(e.Rule, e.NameIndex)} denies {Needs(list)}", e.Rule.Index,
                        e.Rule.Syscalls.Count == 1 ? LocationSite.Policy : LocationSite.SyscallName, name: e.Rule.Syscalls.Count == 1 ? -1 : e.NameIndex);
                }
                if (byDefault.Count > 0)
                {
                    Add(DiagnosticIds.RuntimeNeedsSyscall,
                        $"The default action {PolicyText.Verdict(Default)} denies {Needs(byDefault)}; allow them, e.g. with [Allow(\"@dotnet-runtime\")]",
                        PolicyLocation.Policy(PolicyProperty.DefaultAction));
                }
            }

            /// <summary>"futex and mmap, which the .NET runtime needs: every lock ...; the GC heap ..." with the architectures when not all.</summary>
            private string Needs(List<(string Syscall, string Reason, string Arch)> list)
            {
                var names = new List<string>();
                foreach (var g in list.GroupBy(x => x.Syscall))
                {
                    var archs = g.Select(x => x.Arch).Distinct().ToList();
                    names.Add(archs.Count < _archs.Count ? $"{g.Key} (on {PolicyText.List(archs)})" : g.Key);
                }
                var reasons = list.Select(x => x.Reason).Distinct().ToList();
                return $"{PolicyText.List(names)}, which the .NET runtime needs to keep running: {string.Join("; ", reasons)}";
            }
        }
    }
}
