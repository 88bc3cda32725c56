using System.Collections.Generic;
using Seccomp.Compiler.Diagnostics;
using Seccomp.Compiler.Policy;

namespace Seccomp.Compiler.Analysis
{
    /// <summary>
    /// Actions that do not do in a .NET process what they seem to, in the policy's settings or its rules: KILL_THREAD
    /// (SECC0041), TRACE and USER_NOTIF without a tracer or listener (SECC0036). Needs no argument sets.
    /// </summary>
    internal static class ActionChecks
    {
        public static void Run(AnalysisState state)
        {
            const string killThread = "a .NET process always runs several threads (GC, finalizer, thread pool, timers): "
                + "killing only the calling one leaves the others running, often waiting forever on what it held";
            foreach (var (property, verdict) in PolicyVerdicts(state.Policy))
            {
                if (verdict.Action == SeccompAction.KillThread)
                    state.Add(DiagnosticIds.KillThread, $"{PolicyDiagnostic.SettingToken} = KillThread kills only the calling thread: {killThread}; use KillProcess",
                        PolicyLocation.Policy(property));
                if (verdict.Action is SeccompAction.Trace or SeccompAction.Notify)
                    state.Add(DiagnosticIds.NeedsTracerOrListener, $"{PolicyDiagnostic.SettingToken} = {verdict.Action}: {HandlerText(verdict.Action)}",
                        PolicyLocation.Policy(property));
            }
            foreach (var rule in state.Policy.Rules)
            {
                if (rule.Action.Action == SeccompAction.KillThread)
                    state.Add(DiagnosticIds.KillThread, $"{PolicyText.Rule(rule)} kills only the calling thread: {killThread}; "
                        + $"remove '{PolicyDiagnostic.SettingToken} = true' to kill the process", new PolicyLocation(rule.Index, LocationSite.RuleProperty, Property: PolicyProperty.RuleKillThread));
                if (rule.Action.Action is SeccompAction.Trace or SeccompAction.Notify)
                    state.Add(DiagnosticIds.NeedsTracerOrListener, $"{PolicyText.Rule(rule)}: {HandlerText(rule.Action.Action)}",
                        rule.Index, LocationSite.Policy);
            }
        }

        private static IEnumerable<(PolicyProperty Property, SeccompVerdict Verdict)> PolicyVerdicts(PolicyModel policy)
        {
            yield return (PolicyProperty.DefaultAction, policy.DefaultAction);
            yield return (PolicyProperty.BadArchAction, policy.BadArchAction);
            yield return (PolicyProperty.UnknownSyscalls, policy.UnknownSyscallAction);
        }

        private static string HandlerText(SeccompAction kind) => kind == SeccompAction.Notify
            ? "the calls wait for a supervisor holding the listener fd (Apply with SeccompOptions.CreateListener); without a listener they fail with ENOSYS"
            : "the calls stop for a ptrace tracer (PTRACE_O_TRACESECCOMP); without a tracer attached they fail with ENOSYS";
    }
}
