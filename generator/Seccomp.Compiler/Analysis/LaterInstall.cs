using System.Collections.Generic;
using System.Linq;
using Seccomp.Compiler.Policy;
using Seccomp.Compiler.Tables;

namespace Seccomp.Compiler.Analysis
{
    /// <summary>
    /// Whether a policy, once installed, lets another policy be installed after it. The loader's later install calls
    /// seccomp(SECCOMP_GET_ACTION_AVAIL) for each action it has not probed yet and seccomp(SECCOMP_SET_MODE_FILTER)
    /// (probing flags with a NULL program, then installing); it sets no_new_privs once per process, so prctl is not
    /// needed again. A filter that denies these makes every later install fail with EPERM.
    /// </summary>
    internal static class LaterInstall
    {
        /// <summary>The seccomp(2) operations a later install needs, in the order a rule names them.</summary>
        public static IReadOnlyList<string> Operations { get; } = new[] { "SECCOMP_SET_MODE_FILTER", "SECCOMP_GET_ACTION_AVAIL" };

        /// <summary>Flag sets the loader installs or probes with (none, TSYNC, LOG, NEW_LISTENER, TSYNC_ESRCH and combinations).</summary>
        private static readonly ulong[] s_flags = { 0, 1, 2, 3, 8, 16, 1 | 8 | 16, 1 | 2, 1 | 2 | 8 | 16 };

        /// <summary>A user pointer (the program or the action), and NULL (the flag probe).</summary>
        private static readonly ulong[] s_pointers = { 0, 0x7ffc_0000_1000 };

        /// <summary>The operations of <see cref="Operations"/> that the compiled policy denies on some architecture.</summary>
        public static IReadOnlyList<string> DeniedOperations(PolicyCompilation compilation)
        {
            var denied = new List<string>();
            foreach (var op in Operations)
            {
                foreach (var program in compilation.Programs)
                {
                    var arch = program.Resolved.Arch;
                    if (!arch.TryGetNumber("seccomp", out int nr) || !Constants.TryGet(arch.Arch, op, out long value)) continue;
                    bool blocked = false;
                    foreach (var flags in op == "SECCOMP_GET_ACTION_AVAIL" ? new ulong[] { 0 } : s_flags)
                        foreach (var pointer in s_pointers)
                        {
                            var v = ReferenceEvaluator.Evaluate(program.Resolved, arch.AuditArch, (uint)nr, new[] { (ulong)value, flags, pointer, 0UL, 0UL, 0UL });
                            if (v.Action is not (SeccompAction.Allow or SeccompAction.Log)) blocked = true;
                        }
                    if (blocked)
                    {
                        denied.Add(op);
                        break;
                    }
                }
            }
            return denied;
        }

        /// <summary>The condition of the narrowest rule that lets <paramref name="operations"/> through.</summary>
        public static string Condition(IReadOnlyList<string> operations) =>
            operations.Count == 1 ? "op == " + operations[0] : "op in (" + string.Join(", ", operations) + ")";

        /// <summary>
        /// The rule to add to <paramref name="compilation"/>'s policy so that a later install goes through, or null when no
        /// Allow can (a rule that denies or kills seccomp outright wins over any Allow).
        /// </summary>
        public static string? FixCondition(PolicyCompilation compilation, IReadOnlyList<string> denied)
        {
            if (denied.Count == 0) return null;
            string condition = Condition(denied);
            var model = compilation.Model;
            var rules = model.Rules.ToList();
            rules.Add(new RuleModel(rules.Count, SeccompVerdict.Allow, new EquatableArray<string>(new[] { "seccomp" }), condition));
            var fixedCompilation = PolicyCompiler.Compile(model with { Rules = new EquatableArray<RuleModel>(rules.ToArray()) });
            if (fixedCompilation.HasErrors || DeniedOperations(fixedCompilation).Count > 0) return null;
            return condition;
        }
    }
}
