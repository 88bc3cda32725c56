using System;
using System.Collections.Generic;
using Seccomp.Bpf;
using Seccomp.Common;

namespace Seccomp
{
    /// <summary>
    /// The install with in-process reports (<see cref="SeccompOptions.Complain"/>, <see cref="SeccompOptions.ReportViolations"/>):
    /// whether the kernel can, the supervised program, the install on the supervisor's thread, the reporter.
    /// </summary>
    internal static class Supervision
    {
        public const string Busy = "a second seccomp listener in this process (a filter chain has one; a filter installed earlier holds it)";

        /// <summary>Why reports cannot be in-process here, or null when they can.</summary>
        public static string? Unavailable(SeccompOptions options, ISeccompFeatureProbe probe)
        {
            if (options.CreateListener)
                return "in-process reports together with CreateListener (the application's own supervisor holds the one listener)";
            if (InProcessSupervisor.Current != null) return Busy;
            if (probe.ProbeAction(SeccompAction.Notify, out _) != SeccompFeatureStatus.Supported
                || probe.ProbeFilterFlag(SeccompFilterFlags.NewListener, out _) != SeccompFeatureStatus.Supported
                || probe.ProbeFilterFlag(SeccompFilterFlags.Tsync, out _) != SeccompFeatureStatus.Supported
                || probe.ProbeFilterFlag(SeccompFilterFlags.TsyncEsrch, out _) != SeccompFeatureStatus.Supported)
                return "in-process reports (SECCOMP_RET_USER_NOTIF with a listener for every thread: NEW_LISTENER with TSYNC_ESRCH, Linux 5.7)";
            return null;
        }

        /// <summary>The policy as declared (the generated SeccompPolicySource), or null when the build left it out or it does not read.</summary>
        internal static PolicyDocument? Declaration(string? policySource)
        {
            if (policySource == null) return null;
            try { return PolicyDocument.Parse(policySource); }
            catch (FormatException) { return null; }
        }

        /// <summary>Every call a rule of the policy names (groups are not expanded); empty without the declaration.</summary>
        internal static ISet<string> NamedByRules(PolicyDocument? declaration)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var rule in declaration?.Rules ?? Array.Empty<PolicyDocumentRule>())
                foreach (var name in rule.Syscalls)
                    if (!name.StartsWith("@", StringComparison.Ordinal)) names.Add(name);
            return names;
        }

        /// <summary>What is done instead: complain mode by LOG (the kernel's rate-limited audit lines), or enforcing unreported.</summary>
        public static SeccompFallback FallbackFor(string feature, SeccompOptions options) => options.Complain
            ? new SeccompFallback(feature, "SECCOMP_RET_LOG for complain mode: denied calls run and the kernel logs them (rate-limited, readable by root)", false)
            : new SeccompFallback(feature, "enforcement by the kernel alone: denied calls are not reported", false);

        /// <summary>
        /// Builds the supervised program from <paramref name="planned"/>, starts the supervisor, which installs it, and the
        /// reporter. <paramref name="busy"/>: the kernel refused a second listener (EBUSY), nothing was installed, and the
        /// caller installs without reports.
        /// </summary>
        public static SeccompError? Install(SeccompPolicyFacts facts, SeccompOptions options, SeccompArch arch, InstallPlan plan,
            IReadOnlyList<BpfInstruction> planned, out SeccompInstallation? installation, out bool busy)
        {
            installation = null;
            busy = false;
            string policy = facts.Name;
            var info = ArchInfo.Get(arch);
            bool complain = options.Complain;
            var declaration = Declaration(facts.PolicySource);
            var program = SupervisedProgram.Build(planned, info, facts.BadArchAction, Environment.ProcessId, complain, NamedByRules(declaration));
            var problems = BpfVerifier.Verify(program);
            if (problems.Count > 0)
                return new SeccompError(SeccompStep.Validate, 0, $"{policy}: the {arch} program with in-process reports is not one the kernel accepts: {problems[0]}");
            if (program.Length > Op.MaxInstructions)
                return new SeccompError(SeccompStep.Validate, 0, $"{policy}: with in-process reports the program needs {program.Length} instructions, more than the kernel's {Op.MaxInstructions}");

            var plannedArray = planned as BpfInstruction[] ?? new List<BpfInstruction>(planned).ToArray();
            var outcome = InProcessSupervisor.InstallAndServe(policy, plannedArray, BpfInstruction.ToBytes(program, BpfInstruction.HostBigEndian), (uint)plan.Flags, info, complain,
                options.ViolationReportTimeout, options.AllowWeakerFallbacks, out var supervisor);
            if (outcome.Result < 0)
            {
                if (outcome.Problem != null)
                    return new SeccompError(SeccompStep.Verify, 0, $"{policy}: {outcome.Problem}");
                if (outcome.Errno == SupervisorNative.EBUSY)
                {
                    busy = true;
                    return null;
                }
                return new SeccompError(SeccompStep.Install, outcome.Errno, $"{policy}: seccomp(SECCOMP_SET_MODE_FILTER, {plan.Flags}) failed"
                    + Hints.ForInstall(outcome.Errno));
            }
            if (outcome.Problem != null)
                // Installed, and its supervisor serves it, but the kernel's count does not show it: not a sandbox to trust.
                return new SeccompError(SeccompStep.Verify, 0, $"{policy}: {outcome.Problem}");

            // The reporter reads /proc for thread names only where that does not itself become a denied call.
            bool readProc = complain || (SeccompLoader.Lets(planned, arch, "openat", unchecked((ulong)-100), 0x7f0000000000, 0x80000) ?? false);
            ViolationReporter.Start(supervisor, options, declaration, readProc);

            var fallbacks = plan.Fallbacks;
            FallbackReporter.Report(fallbacks, options);
            if (outcome.Verifier is { Privileged: true } v)
                FallbackReporter.Warn(v.PrivilegeWarning(policy, SeccompLoader.OpensFiles(planned, arch)), options);
            installation = new SeccompInstallation(arch, program.Length, plan.Flags, fallbacks, -1);
            return null;
        }
    }
}
