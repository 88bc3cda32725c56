using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Seccomp.Compiler;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Policy;
using Seccomp.Tests.Oracles;

namespace Seccomp.Tests.Support;

/// <summary>
/// Reads a compiled policy class's attributes back through reflection (a path independent of the generator's
/// Roslyn reader) and turns policies into libseccomp rules.
/// </summary>
internal static class AttributeModel
{
    public static PolicyModel FromType(Type type)
    {
        var policy = type.GetCustomAttribute<SeccompPolicyAttribute>()!;
        var rules = type.GetCustomAttributes<SeccompRuleAttribute>().Select((a, i) => new RuleModel(i, VerdictOf(a), EquatableArray.From(a.Syscalls), a.When)).ToArray();
        var archs = (policy.Architectures ?? Enum.GetValues<SeccompArch>()).Select(a => (CoreArch)a);
        return new PolicyModel(
            policy.DefaultAction == SeccompAction.Errno ? CoreVerdict.Errno((int)policy.DefaultErrno) : CoreVerdict.Of((CoreAction)policy.DefaultAction, 0),
            CoreVerdict.Of((CoreAction)policy.BadArchAction, 1),
            policy.UnknownSyscalls == SeccompAction.Errno ? CoreVerdict.Errno((int)policy.UnknownSyscallsErrno) : CoreVerdict.Of((CoreAction)policy.UnknownSyscalls, 0),
            EquatableArray.From(archs), EquatableArray.From(rules),
            policy.HotSyscalls is { } hot ? EquatableArray.From(hot) : null);
    }

    private static CoreVerdict VerdictOf(SeccompRuleAttribute a) => a switch
    {
        AllowAttribute => CoreVerdict.Allow,
        DenyAttribute d => CoreVerdict.Errno((int)d.Errno),
        KillAttribute k => k.Thread ? new CoreVerdict(CoreAction.KillThread, 0) : CoreVerdict.KillProcess,
        LogAttribute => new CoreVerdict(CoreAction.Log, 0),
        TrapAttribute t => new CoreVerdict(CoreAction.Trap, t.Data),
        TraceAttribute t => new CoreVerdict(CoreAction.Trace, t.Data),
        _ => new CoreVerdict(CoreAction.Notify, 0),
    };

    /// <summary>
    /// The policy as libseccomp rules for one architecture: each condition in disjunctive normal form, one libseccomp
    /// rule per conjunction. Null when a condition has no libseccomp equivalent (a negated mask test).
    /// </summary>
    public static List<LibSeccompRule>? ToLibSeccomp(PolicyModel model, CoreArch arch)
    {
        var info = ArchInfo.Get(arch);
        var result = new List<LibSeccompRule>();
        Condition? Bind(string? when, string name)
        {
            if (when == null) return null;
            var c = ConditionBinder.Bind(when, name, info, out var problems);
            return c ?? throw new InvalidOperationException(problems[0].Message);
        }
        foreach (var rule in model.Rules)
            foreach (var entry in rule.Syscalls)
            foreach (var (name, _, member) in PolicyResolver.ExpandEntry(entry, info, rule.Action))
            {
                uint action = (member?.Action ?? rule.Action).ToKernel();
                var cond = PolicyResolver.And(Bind(rule.When, name), Bind(member?.When, name));
                if (cond == null)
                {
                    result.Add(new LibSeccompRule(name, action));
                    continue;
                }
                var dnf = Dnf(cond, false);
                if (dnf == null) return null;
                foreach (var conj in dnf)
                    result.Add(new LibSeccompRule(name, action, conj.ToArray()));
            }
        return result;
    }

    private static List<List<LibSeccompCmp>>? Dnf(Condition c, bool negate)
    {
        switch (c)
        {
            case ConstCondition k:
                return k.Value != negate ? new() { new() } : new();
            case NotCondition n:
                return Dnf(n.Operand, !negate);
            case AndCondition or OrCondition:
            {
                var (l, r) = c is AndCondition a ? (a.Left, a.Right) : (((OrCondition)c).Left, ((OrCondition)c).Right);
                bool isAnd = c is AndCondition != negate;
                var dl = Dnf(l, negate);
                var dr = Dnf(r, negate);
                if (dl == null || dr == null) return null;
                if (!isAnd) return dl.Concat(dr).ToList();
                return dl.SelectMany(x => dr.Select(y => x.Concat(y).ToList())).ToList();
            }
            case CompareCondition cmp:
            {
                var op = cmp.Op;
                if (negate)
                    op = op switch
                    {
                        CompareOp.Eq => CompareOp.Ne, CompareOp.Ne => CompareOp.Eq, CompareOp.Lt => CompareOp.Ge,
                        CompareOp.Ge => CompareOp.Lt, CompareOp.Le => CompareOp.Gt, _ => CompareOp.Le,
                    };
                if (cmp.IsMasked)
                {
                    // libseccomp has MASKED_EQ only.
                    if (op != CompareOp.Eq) return null;
                    return new() { new() { new LibSeccompCmp(cmp.Arg, LibSeccompOp.MaskedEq, cmp.Mask, cmp.Value) } };
                }
                // libseccomp orders all comparisons as unsigned 64-bit: the same as ours for non-negative values only,
                // which the callers' vectors keep to.
                var lop = op switch
                {
                    CompareOp.Eq => LibSeccompOp.Eq, CompareOp.Ne => LibSeccompOp.Ne, CompareOp.Lt => LibSeccompOp.Lt,
                    CompareOp.Le => LibSeccompOp.Le, CompareOp.Gt => LibSeccompOp.Gt, _ => LibSeccompOp.Ge,
                };
                return new() { new() { new LibSeccompCmp(cmp.Arg, lop, cmp.Value) } };
            }
        }
        return null;
    }

    /// <summary>Numbers for the calls libseccomp 2.5.4 does not know, from our tables.</summary>
    public static Dictionary<string, int> ExtraSyscalls(CoreArch arch) =>
        ArchInfo.Get(arch).Syscalls.Where(kv => LibSeccomp.ResolveSyscall(ArchInfo.Get(arch).AuditArch, kv.Key) < 0)
            .ToDictionary(kv => kv.Key, kv => kv.Value);
}
