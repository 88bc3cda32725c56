using System.Collections.Generic;
using System.Threading;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Diagnostics;
using Seccomp.Compiler.Policy;

namespace Seccomp.Compiler.Analysis
{
    /// <summary>
    /// Questionable but valid policy, one family of checks per file, each named for the diagnostics it reports:
    /// <see cref="ActionChecks"/> (KILL_THREAD, Trace/Notify), <see cref="FlagComparisons"/> (flags compared for
    /// equality), <see cref="ConstantConditionChecks"/>, <see cref="RuleCoverageChecks"/> (rules that never decide a call
    /// or repeat others or the default, conflicting errno values), <see cref="DangerousAllowanceChecks"/>,
    /// <see cref="RuntimeNeedsChecks"/> (calls the .NET runtime needs) and <see cref="EquivalentCallAnalysis"/> (denials an
    /// equivalent call gets around). Every check works on the resolved model of each target architecture (syscall
    /// numbers, bound conditions, <see cref="AnalysisState"/>) and on exact sets of argument vectors
    /// (<see cref="ArgumentSets"/>), never on the text.
    /// Run on a policy that <see cref="PolicyChecker.Check"/> found free of errors (PolicyCompiler does).
    /// </summary>
    internal static class PolicyAnalysis
    {
        /// <summary>Node budget of the argument sets of one architecture; beyond it the set-based checks report nothing.</summary>
        public const int DefaultMaxNodes = 500_000;

        /// <summary>The findings on a policy free of errors; <paramref name="bindings"/> holds its bound conditions.</summary>
        public static List<PolicyDiagnostic> Analyze(PolicyModel policy, ConditionBindings bindings, CancellationToken ct = default, int maxNodes = DefaultMaxNodes)
        {
            var state = new AnalysisState(policy, bindings, ct, maxNodes);
            ActionChecks.Run(state);
            state.Findings.AddRange(FlagComparisons.Find(policy, bindings));
            var simple = new List<PolicyDiagnostic>(state.Findings);
            try
            {
                state.Resolve();
                ConstantConditionChecks.Run(state);
                RuleCoverageChecks.Run(state);
                DangerousAllowanceChecks.Run(state);
                RuntimeNeedsChecks.Run(state);
                state.Findings.AddRange(EquivalentCallAnalysis.Analyze(policy, bindings, ct, maxNodes));
            }
            catch (ArgumentSetBudgetExceededException)
            {
                // Too large to decide exactly: report nothing that would need it.
                return simple;
            }
            return state.Findings;
        }

        public static bool IsDenying(SeccompAction kind) => kind <= SeccompAction.Errno;
    }
}
