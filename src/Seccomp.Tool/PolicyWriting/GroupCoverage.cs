// Which recorded calls a policy already allows: the runtime group for a new class, the class's own rules for an
// existing one. `policy` writes a rule only for a call some recorded value of which is not allowed yet. The reference
// evaluator answers, over every combination of the recorded values of the arguments the rules' conditions read.

using System.Collections.Generic;
using System.Linq;
using Seccomp.Compiler;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Policy;

namespace Seccomp.Tool;

internal static class GroupCoverage
{
    /// <summary>
    /// Whether the group allows every recorded call of <paramref name="stats"/>, and the values of
    /// <paramref name="narrowParam"/> that it does not allow (null when they cannot be told apart).
    /// </summary>
    public static (bool Covered, List<ulong>? Values) Of(ResolvedPolicy group, ArchInfo arch, SyscallStats stats, string? narrowParam)
    {
        var narrowArg = narrowParam == null ? null : stats.Arg(narrowParam);
        List<ulong>? narrowValues = narrowArg is { Pointer: false, Many: false } && narrowArg.Values.Count > 0 ? narrowArg.Values.ToList() : null;
        if (stats.Nr is not int nr) return (false, narrowValues);
        var rules = group.RulesFor(nr);
        if (rules.Count == 0) return (false, narrowValues);

        var read = new SortedSet<int>();
        foreach (var r in rules) if (r.Condition != null) CollectArgs(r.Condition, read);
        var parameters = Recording.ParametersOf(stats.Name, arch.Arch);
        if (read.Count == 0)
            return (Evaluate(group, arch, nr, new ulong[6]).Action == SeccompAction.Allow, narrowValues);

        // Values of every argument the group's conditions read; unknown ones make the call uncovered.
        var sets = new List<(int Arg, ulong[] Values)>();
        foreach (int i in read)
        {
            var a = stats.Args != null && i < parameters.Count ? stats.Arg(parameters[i].Name) : null;
            if (a == null || a.Pointer || a.Many || a.Values.Count == 0) return (false, narrowValues);
            sets.Add((i, a.Values.ToArray()));
        }
        long combos = sets.Aggregate(1L, (n, s) => n * s.Values.Length);
        if (combos > 4096) return (false, narrowValues);
        bool all = true;
        foreach (var v in Product(sets))
            if (Evaluate(group, arch, nr, v).Action != SeccompAction.Allow) { all = false; break; }
        if (all) return (true, null);

        // The narrowed argument's values that some recorded combination of the other arguments the conditions read
        // leaves not allowed: those need the new rule; the others the policy allows already.
        if (narrowValues != null && narrowArg != null)
        {
            int idx = parameters.ToList().FindIndex(p => p.Name == narrowArg.Name);
            var others = sets.Where(x => x.Arg != idx).ToList();
            narrowValues = narrowValues.Where(val => Product(others).Any(v =>
            {
                v[idx] = val;
                return Evaluate(group, arch, nr, v).Action != SeccompAction.Allow;
            })).ToList();
        }
        return (false, narrowValues);
    }

    private static SeccompVerdict Evaluate(ResolvedPolicy p, ArchInfo arch, int nr, ulong[] args) =>
        ReferenceEvaluator.Evaluate(p, arch.AuditArch, (uint)nr, args);

    private static IEnumerable<ulong[]> Product(List<(int Arg, ulong[] Values)> sets)
    {
        var idx = new int[sets.Count];
        while (true)
        {
            var v = new ulong[6];
            for (int k = 0; k < sets.Count; k++) v[sets[k].Arg] = sets[k].Values[idx[k]];
            yield return v;
            int j = 0;
            while (j < sets.Count && ++idx[j] == sets[j].Values.Length) { idx[j] = 0; j++; }
            if (j == sets.Count) yield break;
        }
    }

    private static void CollectArgs(Condition c, ISet<int> into)
    {
        switch (c)
        {
            case AndCondition a: CollectArgs(a.Left, into); CollectArgs(a.Right, into); break;
            case OrCondition o: CollectArgs(o.Left, into); CollectArgs(o.Right, into); break;
            case NotCondition n: CollectArgs(n.Operand, into); break;
            case CompareCondition cmp: into.Add(cmp.Arg); break;
        }
    }
}
