using System;
using System.Collections.Generic;
using System.Linq;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Policy;

namespace Seccomp.Compiler.Containers
{
    /// <summary>
    /// Lowers a compiled policy to an OCI <c>linux.seccomp</c> profile that runc and crun enforce exactly as the generated
    /// program decides, for every call and argument value. Per call, each argument's values are cut into the pieces
    /// that no comparison of the program tells apart; every combination of pieces gets the verdict the policy gives it
    /// (the reference evaluator, on one value of each piece); combinations with the same verdict are merged, and each
    /// non-default one becomes entries with at most one condition per argument. So:
    /// <list type="bullet">
    /// <item>entries of different actions never overlap, so the order libseccomp tries them in cannot matter, and no
    /// entry has the default action (runc and crun drop those): an ERRNO deny equal to the default is simply no entry;</item>
    /// <item>no entry tests one argument twice (runc and crun would OR the two tests): a range becomes aligned blocks,
    /// one <c>SCMP_CMP_MASKED_EQ</c> each (never an ordered comparison: see <see cref="Conditions"/>);</item>
    /// <item>a 32-bit or narrowed argument is compared only on the bits the program reads: masks leave the high word
    /// free, as the program ignores it (libseccomp compares all 64 bits of <c>SCMP_CMP_EQ</c>).</item>
    /// </list>
    /// What no profile can say is a problem, naming the rule; with approximate lowering the call then gets the strictest
    /// verdict it can have, unconditionally.
    /// </summary>
    internal static class OciLowering
    {
        /// <summary>Entries one call may need before the profile is refused as too large for a runtime to load well.</summary>
        public const int MaxEntriesPerCall = 256;

        private const int MaxRegionsPerCall = 1 << 14;

        /// <param name="selfPid">
        /// The pid SELF_PID stands for: Apply() writes the process's own pid into the program at install, but a profile is
        /// written before any process exists. In a container the service usually is the first process (pid 1 in its pid
        /// namespace, where its calls name pids), so the caller may say which pid it will have; without it, a rule that
        /// compares with SELF_PID cannot be exported.
        /// </param>
        public static OciProfile Lower(PolicyCompilation compilation, IReadOnlyList<SeccompArch> archs, bool logDenied, bool approximate, List<OciProblem> problems,
            uint? selfPid = null)
        {
            if (compilation.HasErrors) throw new InvalidOperationException("the policy has errors");
            var model = compilation.Model;
            var defaultAction = model.DefaultAction;
            if (defaultAction.Action == SeccompAction.Notify)
            {
                problems.Add(new OciProblem(-1, "", "DefaultAction Notify: runc refuses SCMP_ACT_NOTIFY as the default action"));
                defaultAction = SeccompVerdict.Errno(1);
            }

            // name -> arch -> its entries as (verdict, conditions), in a canonical order to compare across architectures.
            var byName = new SortedDictionary<string, Dictionary<SeccompArch, List<(SeccompVerdict Verdict, OciArg[] Args)>>>(StringComparer.Ordinal);
            var strictestByName = new Dictionary<string, SeccompVerdict>(StringComparer.Ordinal);
            var firstRule = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var arch in archs)
            {
                var resolved = compilation.Program(arch).Resolved;
                if (selfPid is uint pid) resolved = WithSelfPid(resolved, pid);
                var lowered = new Dictionary<int, List<(SeccompVerdict, OciArg[])>>();
                foreach (var call in resolved.Arch.Syscalls.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    string name = call.Key;
                    int nr = call.Value;
                    var rules = resolved.RulesFor(nr);
                    if (rules.Count == 0) continue;
                    if (!lowered.TryGetValue(nr, out var entries))
                    {
                        var problem = LowerCall(rules, defaultAction, name, out entries);
                        bool keep = false;
                        if (problem == null) problem = CheckActions(rules, entries, name, out entries, out keep);
                        if (problem != null)
                        {
                            problems.Add(problem);
                            if (!keep)
                            {
                                var strict = Exportable(rules.Select(r => r.Action).Aggregate(defaultAction, SeccompVerdict.Strictest));
                                entries = strict == defaultAction ? new List<(SeccompVerdict, OciArg[])>() : new List<(SeccompVerdict, OciArg[])> { (strict, Array.Empty<OciArg>()) };
                            }
                        }
                        lowered[nr] = entries;
                    }
                    if (!byName.TryGetValue(name, out var perArch)) byName[name] = perArch = new();
                    perArch[arch] = entries;
                    var s = rules.Select(r => r.Action).Aggregate(defaultAction, SeccompVerdict.Strictest);
                    strictestByName[name] = strictestByName.TryGetValue(name, out var prev) ? SeccompVerdict.Strictest(prev, s) : s;
                    if (!firstRule.ContainsKey(name)) firstRule[name] = rules[0].RuleIndex;
                }
            }

            // One profile holds one list of names for every architecture: a call must be decided alike wherever it exists.
            var final = new List<(string Name, SeccompVerdict Verdict, OciArg[] Args)>();
            foreach (var kv in byName)
            {
                string name = kv.Key;
                var present = archs.Where(a => ArchInfo.Get(a).TryGetNumber(name, out _)).ToList();
                var keys = present.Select(a => kv.Value.TryGetValue(a, out var e) ? Key(e) : "").ToList();
                var entries = kv.Value.Values.First();
                if (keys.Distinct().Count() > 1)
                {
                    var differ = present.Where((a, i) => keys[i] != keys[0]).First();
                    problems.Add(new OciProblem(firstRule[name], name,
                        $"{name} is decided differently on {ArchInfo.Get(present[0]).Name} and {ArchInfo.Get(differ).Name} (constants or argument types differ), "
                        + "and one profile names each call once for every architecture; export one architecture at a time (--arch)"));
                    var strict = Exportable(strictestByName[name]);
                    entries = strict == defaultAction ? new List<(SeccompVerdict, OciArg[])>() : new List<(SeccompVerdict, OciArg[])> { (strict, Array.Empty<OciArg>()) };
                }
                foreach (var (verdict, args) in entries) final.Add((name, verdict, args));
            }

            // runc answers ENOSYS to any number above the highest one the profile names (its "-ENOSYS stub"), unless the
            // default lets calls run or already is ENOSYS. Naming each architecture's last call makes that exactly the
            // program's UnknownSyscalls = ENOSYS; an entry with the default action changes nothing else (runtimes drop it).
            bool stub = model.UnknownSyscallAction == SeccompVerdict.Errno(38)
                && defaultAction.Action is not (SeccompAction.Allow or SeccompAction.Log or SeccompAction.Trace)
                && defaultAction != SeccompVerdict.Errno(38);
            var named = new HashSet<string>(final.Select(f => f.Name), StringComparer.Ordinal);
            var lastCalls = new List<string>();
            if (stub)
                foreach (var arch in archs)
                {
                    var info = ArchInfo.Get(arch);
                    if (info.TryGetName(info.MaxSyscall, out var last) && named.Add(last)) lastCalls.Add(last);
                }

            var syscalls = final
                .GroupBy(f => (f.Verdict, Args: ArgsKey(f.Args)))
                .Select(g => new OciSyscall(g.Select(f => f.Name).OrderBy(n => n, StringComparer.Ordinal).ToList(), g.Key.Verdict, g.First().Args))
                .OrderBy(s => s.Args.Count == 0 ? 0 : 1).ThenBy(s => s.Action).ThenBy(s => s.Names[0], StringComparer.Ordinal).ThenBy(s => ArgsKey(s.Args), StringComparer.Ordinal)
                .ToList();
            if (lastCalls.Count > 0)
                syscalls.Add(new OciSyscall(lastCalls.OrderBy(n => n, StringComparer.Ordinal).ToList(), defaultAction, Array.Empty<OciArg>()));
            return new OciProfile(defaultAction, archs.ToList(), logDenied, syscalls);
        }

        /// <summary>The policy with every SELF_PID comparison made a comparison with <paramref name="pid"/>.</summary>
        private static ResolvedPolicy WithSelfPid(ResolvedPolicy p, uint pid)
        {
            Condition? Rewrite(Condition? c) => c switch
            {
                CompareCondition { SelfPid: true } cmp => cmp with { Value = pid & cmp.Type.WidthMask, SelfPid = false },
                AndCondition a => new AndCondition(Rewrite(a.Left)!, Rewrite(a.Right)!),
                OrCondition o => new OrCondition(Rewrite(o.Left)!, Rewrite(o.Right)!),
                NotCondition n => new NotCondition(Rewrite(n.Operand)!),
                _ => c,
            };
            var rules = p.RulesBySyscall.ToDictionary(kv => kv.Key,
                kv => (IReadOnlyList<ResolvedRule>)kv.Value.Select(r => r with { Condition = Rewrite(r.Condition) }).ToList());
            return new ResolvedPolicy(p.Arch, p.DefaultAction, p.BadArchAction, p.UnknownSyscallAction, rules, p.Profile);
        }

        /// <summary>The action as a runtime can take it: TRAP carries no value in OCI; NOTIFY needs the runtime's listener.</summary>
        private static SeccompVerdict Exportable(SeccompVerdict v) => v.Action switch
        {
            SeccompAction.Trap => new SeccompVerdict(SeccompAction.Trap),
            SeccompAction.Notify => SeccompVerdict.Errno(1),
            _ => v,
        };

        /// <summary>
        /// A problem when an entry's action has no exact OCI form. TRAP without its value is as strict (only the value the
        /// signal handler sees is lost), so its entries are kept (<paramref name="keep"/>) with the value dropped.
        /// </summary>
        private static OciProblem? CheckActions(IReadOnlyList<ResolvedRule> rules, List<(SeccompVerdict Verdict, OciArg[] Args)> entries, string name,
            out List<(SeccompVerdict, OciArg[])> result, out bool keep)
        {
            result = entries;
            keep = false;
            foreach (var (verdict, _) in entries)
            {
                string? why = verdict.Action switch
                {
                    SeccompAction.Trap when verdict.Data != 0 => $"TRAP({verdict.Data}): an OCI profile's SCMP_ACT_TRAP carries no value",
                    SeccompAction.Notify => "NOTIFY goes to this process's own supervisor; a container runtime sends it to the listener at listenerPath instead",
                    _ => null,
                };
                if (why == null) continue;
                int rule = rules.FirstOrDefault(r => r.Action == verdict)?.RuleIndex ?? rules[0].RuleIndex;
                keep = verdict.Action == SeccompAction.Trap && entries.All(e => e.Verdict.Action != SeccompAction.Notify);
                if (keep) result = entries.Select(e => (Exportable(e.Verdict), e.Args)).ToList();
                return new OciProblem(rule, name, $"{name}: {why}");
            }
            return null;
        }

        /// <summary>The entries of one call, or a problem when no set of entries decides it as the program does.</summary>
        private static OciProblem? LowerCall(IReadOnlyList<ResolvedRule> rules, SeccompVerdict defaultAction, string name, out List<(SeccompVerdict Verdict, OciArg[] Args)> entries)
        {
            try
            {
                return LowerCallCore(rules, defaultAction, name, out entries);
            }
            catch (PatternSet.TooLargeException)
            {
                entries = new List<(SeccompVerdict, OciArg[])>();
                return new OciProblem(FirstConditional(rules), name, $"{name}: its conditions need more than {PatternSet.MaxPatterns} entries for one argument");
            }
        }

        private static OciProblem? LowerCallCore(IReadOnlyList<ResolvedRule> rules, SeccompVerdict defaultAction, string name, out List<(SeccompVerdict Verdict, OciArg[] Args)> entries)
        {
            entries = new List<(SeccompVerdict, OciArg[])>();
            var leaves = new List<CompareCondition>();
            foreach (var r in rules)
                if (r.Condition != null && Collect(r.Condition, leaves) is { } selfPid)
                    return new OciProblem(r.RuleIndex, name, $"{name}: SELF_PID (the pid of the process that applies the policy) is written into the program at install, and a profile is written before any process exists; give the pid the service has in the container (--self-pid 1 when it is the container's first process)");
            leaves = leaves.Distinct().ToList();
            var argIndexes = leaves.Select(l => l.Arg).Distinct().OrderBy(i => i).ToArray();

            // The pieces of each argument: the values no comparison of the call tells apart.
            var atoms = new List<List<ValuePattern>>[argIndexes.Length];
            for (int i = 0; i < argIndexes.Length; i++)
            {
                var pieces = new List<List<ValuePattern>> { PatternSet.Universe() };
                foreach (var leaf in leaves.Where(l => l.Arg == argIndexes[i]))
                {
                    var set = PatternSet.Of(leaf);
                    var next = new List<List<ValuePattern>>();
                    foreach (var piece in pieces)
                    {
                        var inside = PatternSet.Intersect(piece, set);
                        var outside = PatternSet.Subtract(piece, set);
                        if (inside.Count > 0) next.Add(inside);
                        if (outside.Count > 0) next.Add(outside);
                    }
                    pieces = next;
                    if (pieces.Count > 64)
                        return new OciProblem(FirstConditional(rules), name, $"{name}: its conditions cut arg{argIndexes[i]} into more than 64 pieces, too many entries for a runtime's profile");
                }
                atoms[i] = pieces;
            }
            long regions = atoms.Aggregate(1L, (n, a) => n * a.Count);
            if (regions > MaxRegionsPerCall)
                return new OciProblem(FirstConditional(rules), name, $"{name}: its conditions combine into {regions} cases over {argIndexes.Length} arguments, too many entries for a runtime's profile");

            // The verdict of every combination of pieces, from one value of each.
            var byVerdict = new Dictionary<SeccompVerdict, List<ulong[]>>();
            var counter = new int[argIndexes.Length];
            var args = new ulong[6];
            for (long n = 0; n < regions; n++)
            {
                for (int i = 0; i < argIndexes.Length; i++) args[argIndexes[i]] = atoms[i][counter[i]][0].Value;
                SeccompVerdict? best = null;
                foreach (var r in rules)
                    if (r.Condition == null || ReferenceEvaluator.Holds(r.Condition, args))
                        best = best is { } b ? SeccompVerdict.Strictest(b, r.Action) : r.Action;
                var verdict = best ?? defaultAction;
                if (verdict != defaultAction)
                {
                    if (!byVerdict.TryGetValue(verdict, out var list)) byVerdict[verdict] = list = new List<ulong[]>();
                    list.Add(counter.Select(c => 1UL << c).ToArray());
                }
                for (int i = 0; i < counter.Length; i++)
                {
                    if (++counter[i] < atoms[i].Count) break;
                    counter[i] = 0;
                }
            }

            foreach (var verdict in byVerdict.Keys.OrderBy(v => v))
            {
                foreach (var region in Merge(byVerdict[verdict], argIndexes.Length))
                {
                    // Each argument's pieces as alternatives of one condition each; the entries are their combinations.
                    var alternatives = new List<List<OciArg?>>();
                    for (int i = 0; i < argIndexes.Length; i++)
                    {
                        if (region[i] == AllPieces(atoms[i].Count)) continue;
                        var set = PatternSet.Normalize(Enumerable.Range(0, atoms[i].Count).Where(k => (region[i] & (1UL << k)) != 0).SelectMany(k => atoms[i][k]).ToList());
                        alternatives.Add(Conditions(argIndexes[i], set));
                    }
                    long count = alternatives.Aggregate(1L, (c, a) => c * a.Count);
                    if (entries.Count + count > MaxEntriesPerCall)
                        return new OciProblem(FirstConditional(rules), name, $"{name}: its conditions need more than {MaxEntriesPerCall} entries");
                    foreach (var combination in Combinations(alternatives))
                        entries.Add((verdict, combination.Where(a => a != null).Select(a => a!).ToArray()));
                }
            }
            return null;
        }

        private static int FirstConditional(IReadOnlyList<ResolvedRule> rules) => rules.FirstOrDefault(r => r.Condition != null)?.RuleIndex ?? rules[0].RuleIndex;

        private static ulong AllPieces(int count) => count >= 64 ? ulong.MaxValue : (1UL << count) - 1;

        /// <summary>Merges combinations that differ in one argument's pieces only, until none do.</summary>
        private static List<ulong[]> Merge(List<ulong[]> regions, int width)
        {
            bool changed = true;
            while (changed)
            {
                changed = false;
                for (int i = 0; i < width; i++)
                {
                    int at = i;
                    var merged = regions
                        .GroupBy(r => string.Join(",", r.Select((m, j) => j == at ? "*" : m.ToString())))
                        .Select(g =>
                        {
                            var r = (ulong[])g.First().Clone();
                            r[at] = g.Aggregate(0UL, (m, x) => m | x[at]);
                            return r;
                        })
                        .ToList();
                    if (merged.Count < regions.Count) { regions = merged; changed = true; }
                }
            }
            return regions;
        }

        /// <summary>
        /// A set of values of one argument as alternatives, each one condition (never two on one argument): only
        /// SCMP_CMP_EQ and SCMP_CMP_MASKED_EQ. libseccomp 2.5.4 (what runc links on Debian 12) never returns from
        /// building some filters whose rules compare 64-bit values with SCMP_CMP_GE or SCMP_CMP_LE (found by
        /// OciDifferentialTests: an epoll_pwait of 22 such entries), and the same ranges as aligned masked blocks load in
        /// milliseconds; so ranges are always blocks.
        /// </summary>
        private static List<OciArg?> Conditions(int index, List<ValuePattern> set)
        {
            if (set.Count == 1 && set[0].IsAny) return new List<OciArg?> { null };
            if (set.Count == 1) return new List<OciArg?> { Pattern(index, set[0]) };
            return set.Select(p => (OciArg?)Pattern(index, p)).ToList();
        }

        private static OciArg Pattern(int index, ValuePattern p) => p.Mask == ulong.MaxValue
            ? new OciArg(index, p.Value, 0, OciArg.Eq)
            : new OciArg(index, p.Mask, p.Value, OciArg.MaskedEq);

        private static IEnumerable<OciArg?[]> Combinations(List<List<OciArg?>> alternatives)
        {
            IEnumerable<OciArg?[]> result = new[] { Array.Empty<OciArg?>() };
            foreach (var a in alternatives)
            {
                var list = a;
                result = result.SelectMany(prefix => list.Select(x => prefix.Concat(new[] { x }).ToArray()));
            }
            return result;
        }

        /// <summary>Adds the comparisons of a condition; returns a SELF_PID comparison if there is one.</summary>
        private static CompareCondition? Collect(Condition c, List<CompareCondition> into)
        {
            switch (c)
            {
                case CompareCondition cmp:
                    if (cmp.SelfPid) return cmp;
                    into.Add(cmp);
                    return null;
                case AndCondition a: return Collect(a.Left, into) ?? Collect(a.Right, into);
                case OrCondition o: return Collect(o.Left, into) ?? Collect(o.Right, into);
                case NotCondition n: return Collect(n.Operand, into);
                default: return null;
            }
        }

        private static string Key(List<(SeccompVerdict Verdict, OciArg[] Args)> entries) =>
            string.Join(";", entries.Select(e => e.Verdict.ToKernel().ToString("x") + ":" + ArgsKey(e.Args)).OrderBy(s => s, StringComparer.Ordinal));

        private static string ArgsKey(IReadOnlyList<OciArg> args) =>
            string.Join(",", args.Select(a => $"{a.Index}{a.Op}{a.Value:x}/{a.ValueTwo:x}"));
    }
}
