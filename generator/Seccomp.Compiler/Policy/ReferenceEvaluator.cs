using Seccomp.Compiler.Conditions;

namespace Seccomp.Compiler.Policy
{
    /// <summary>
    /// The policy's meaning, computed straight from the resolved rules with no BPF involved: the oracle that every
    /// generated program is tested against.
    /// </summary>
    internal static class ReferenceEvaluator
    {
        public static SeccompVerdict Evaluate(ResolvedPolicy policy, uint auditArch, uint nr, ulong[] args)
        {
            if (auditArch != policy.Arch.AuditArch) return policy.BadArchAction;
            if (policy.Arch.HasX32 && nr >= ArchInfo.X32SyscallBit && nr != uint.MaxValue) return policy.BadArchAction;
            if (!policy.Arch.IsKnownNumber(nr)) return policy.UnknownSyscallAction;

            SeccompVerdict? best = null;
            foreach (var rule in policy.RulesFor((int)nr))
            {
                if (rule.Condition != null && !Holds(rule.Condition, args)) continue;
                best = best is { } b ? SeccompVerdict.Strictest(b, rule.Action) : rule.Action;
            }
            return best ?? policy.DefaultAction;
        }

        public static bool Holds(Condition condition, ulong[] args) => condition switch
        {
            AndCondition a => Holds(a.Left, args) && Holds(a.Right, args),
            OrCondition o => Holds(o.Left, args) || Holds(o.Right, args),
            NotCondition n => !Holds(n.Operand, args),
            ConstCondition k => k.Value,
            CompareCondition c => Compare(c, c.Arg < args.Length ? args[c.Arg] : 0UL),
            _ => false,
        };

        private static bool Compare(CompareCondition c, ulong raw)
        {
            ulong x = c.Type.Truncate(raw) & c.Mask;
            ulong v = c.Value;
            switch (c.Op)
            {
                case CompareOp.Eq: return x == v;
                case CompareOp.Ne: return x != v;
            }
            int order;
            if (c.Type.Signed && c.Type.Bits == 32) order = ((int)(uint)x).CompareTo((int)(uint)v);
            else if (c.Type.Signed) order = ((long)x).CompareTo((long)v);
            else order = x.CompareTo(v);
            return c.Op switch
            {
                CompareOp.Lt => order < 0,
                CompareOp.Le => order <= 0,
                CompareOp.Gt => order > 0,
                _ => order >= 0,
            };
        }
    }
}
