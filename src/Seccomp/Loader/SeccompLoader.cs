using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using System.Runtime.InteropServices;
using Seccomp.Bpf;
using Seccomp.Common;

namespace Seccomp
{
    /// <summary>
    /// Installs a precomputed program. Called by the members the generator adds to a policy class; it compiles
    /// nothing. Order: pick the architecture's program, check it, probe the kernel and plan fallbacks, then
    /// no_new_privs and seccomp(2) with TSYNC. Every failure before the last step leaves the process untouched.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class SeccompLoader
    {
        /// <summary>The architecture this process runs as, or null when no policy can target it.</summary>
        public static SeccompArch? CurrentArchitecture => HostArchitecture.Current;

        /// <summary>
        /// Installs, or returns why not; never throws. Kept for code generated before <see cref="SeccompPolicyFacts"/>,
        /// which states no bad-architecture action: the attribute's default (KILL_PROCESS) is taken, which is never
        /// weaker than a declared one.
        /// </summary>
        public static bool TryInstall(string policy, ReadOnlySpan<byte> program, IReadOnlyList<SeccompArch> targets,
            bool policyLogDenied, SeccompOptions? options, out SeccompInstallation? installation, out SeccompError? error) =>
            TryInstall(new SeccompPolicyFacts(policy, targets) { LogDenied = policyLogDenied }, program, options, out installation, out error);

        /// <summary>Installs the program of a policy described by <paramref name="facts"/>, or returns why not; never throws.</summary>
        public static bool TryInstall(SeccompPolicyFacts facts, ReadOnlySpan<byte> program, SeccompOptions? options,
            out SeccompInstallation? installation, out SeccompError? error)
        {
            installation = null;
            string policy = facts?.Name ?? "a seccomp policy";
            try
            {
                if (facts == null) throw new ArgumentNullException(nameof(facts));
                options ??= SeccompOptions.Default;
                byte[]? patched = null;
                if (facts.ProcessIdSlots is { Length: > 0 } slots)
                {
                    patched = ProcessId.Patch(program, slots, out string? problem);
                    if (patched == null)
                    {
                        error = new SeccompError(SeccompStep.Validate, 0, $"{policy}: {problem}");
                        return false;
                    }
                }
                error = InstallCore(facts, patched ?? program, options, out installation);
                return error == null;
            }
            catch (Exception ex)
            {
                // Fail closed, and say why: a missing libc or an unexpected runtime error is not a sandbox.
                error = new SeccompError(SeccompStep.Install, 0, $"{policy}: {ex.GetType().Name}: {ex.Message}");
                return false;
            }
        }

        /// <summary>Installs, or throws <see cref="SeccompException"/>. Kept for code generated before <see cref="SeccompPolicyFacts"/>.</summary>
        public static SeccompInstallation Install(string policy, ReadOnlySpan<byte> program, IReadOnlyList<SeccompArch> targets,
            bool policyLogDenied, SeccompOptions? options)
        {
            if (!TryInstall(policy, program, targets, policyLogDenied, options, out var installation, out var error))
                throw new SeccompException(error!);
            return installation!;
        }

        /// <summary>Serializes installs: the already-installed record and no_new_privs are per process.</summary>
        private static readonly object s_installLock = new();

        /// <summary>Every policy installed by this process, by name, program and options: applying one again is a no-op.</summary>
        private static readonly List<(string Policy, byte[] Program, string Options, SeccompInstallation Installation)> s_installed = new();

        /// <summary>Set once this process has set no_new_privs (it can never be unset).</summary>
        private static bool s_noNewPrivs;

        private static SeccompError? InstallCore(SeccompPolicyFacts facts, ReadOnlySpan<byte> program, SeccompOptions options, out SeccompInstallation? installation)
        {
            installation = null;
            string policy = facts.Name;
            var arch = CurrentArchitecture;
            if (arch == null || program.IsEmpty)
                return new SeccompError(SeccompStep.SelectArchitecture, 0,
                    $"{policy} has no program for {RuntimeInformation.ProcessArchitecture}; it targets {string.Join(", ", facts.Architectures)}");

            lock (s_installLock)
            {
                // The same policy, the same program and the same options a second time: the filter is already there,
                // and a second copy would change nothing but cost every call another run of it. Return the first.
                string key = OptionsKey(options, facts.LogDenied);
                foreach (var done in s_installed)
                    if (done.Policy == policy && done.Options == key && program.SequenceEqual(done.Program))
                    {
                        installation = done.Installation;
                        return null;
                    }
                var error = InstallLocked(facts, program, arch.Value, options, out installation);
                if (error == null) s_installed.Add((policy, program.ToArray(), key, installation!));
                return error;
            }
        }

        private static string OptionsKey(SeccompOptions o, bool policyLogDenied) =>
            $"{o.Complain}|{o.ReportViolations}|{o.LogDenied || policyLogDenied}|{o.AllowWeakerFallbacks}|{o.CreateListener}|{o.Probe?.GetType().FullName}";

        private static SeccompError? InstallLocked(SeccompPolicyFacts facts, ReadOnlySpan<byte> program, SeccompArch arch,
            SeccompOptions options, out SeccompInstallation? installation)
        {
            installation = null;
            string policy = facts.Name;
            BpfInstruction[] instructions;
            try { instructions = BpfInstruction.FromBytes(program.ToArray(), BpfInstruction.HostBigEndian); }
            catch (ArgumentException ex) { return new SeccompError(SeccompStep.Validate, 0, $"{policy}: {ex.Message}"); }
            var problems = BpfVerifier.Verify(instructions);
            if (problems.Count > 0)
                return new SeccompError(SeccompStep.Validate, 0, $"{policy}: the {arch} program is not one the kernel accepts: {problems[0]}");

            var probe = options.Probe ?? KernelFeatureProbe.Instance;
            bool recording = facts.RecordingAllowed && RecordingInstaller.Requested(options, policy);
            // In-process reports need a listener of their own; without one they fall back (docs/reports.md).
            var reportFallback = !recording && (options.Complain || options.ReportViolations) ? Supervision.Unavailable(options, probe) : null;
            bool supervise = !recording && (options.Complain || options.ReportViolations) && reportFallback == null;
            var plan = InstallPlanner.Plan(instructions, options, facts, ArchInfo.Get(arch), probe, supervise);
            if (plan.Error != null)
                return new SeccompError(SeccompStep.Probe, plan.ErrorErrno, $"{policy}: {plan.Error}"
                    + (plan.DeniedByFilter ? ". " + Hints.AllowSeccompInFirstPolicy : ". " + Hints.MissingFeature));

            ReadOnlySpan<byte> bytes = plan.Program == null ? program : BpfInstruction.ToBytes(plan.Program, BpfInstruction.HostBigEndian);
            if (!LetsVerifierRead(plan.Program ?? instructions, arch))
                return new SeccompError(SeccompStep.Validate, 0, $"{policy}: the {arch} program denies pread64, which Apply() needs to "
                    + "confirm the install from the kernel's filter count; allow it (it is in @dotnet-runtime). Nothing was installed");
            if (recording)
            {
                var recorded = RecordingInstaller.TryInstall(facts, arch, plan, plan.Program ?? instructions, options, out installation);
                if (recorded != RecordingInstaller.Outcome.NotInstalled)
                    return recorded == RecordingInstaller.Outcome.Installed ? null
                        : new SeccompError(SeccompStep.Install, 0, $"{policy}: installed for recording, but the hand-over to dotnet-seccomp failed: its denied calls fail with ENOSYS");
                // Nothing installed: the policy goes in as declared, below.
            }
            int errno;
            // no_new_privs is set once per process: a filter installed earlier may deny prctl, and it is set already.
            if (!s_noNewPrivs)
            {
                if (NativeMethods.Prctl(NativeMethods.PR_GET_NO_NEW_PRIVS, 0, out _) == 1)
                    s_noNewPrivs = true;
                else if (NativeMethods.Prctl(NativeMethods.PR_SET_NO_NEW_PRIVS, 1, out errno) != 0)
                    return new SeccompError(SeccompStep.NoNewPrivs, errno, $"{policy}: prctl(PR_SET_NO_NEW_PRIVS) failed" + Hints.ForNoNewPrivs(errno));
                else
                    s_noNewPrivs = true;
            }

            if (supervise)
            {
                var supervised = Supervision.Install(facts, options, arch, plan, plan.Program ?? instructions, out installation, out bool busy);
                if (!busy) return supervised;
                // Another filter of the process holds the one listener a filter chain may have: reports fall back.
                reportFallback = Supervision.Busy;
                plan = InstallPlanner.Plan(instructions, options, facts, ArchInfo.Get(arch), probe);
                if (plan.Error != null)
                    return new SeccompError(SeccompStep.Probe, plan.ErrorErrno, $"{policy}: {plan.Error}");
                bytes = plan.Program == null ? program : BpfInstruction.ToBytes(plan.Program, BpfInstruction.HostBigEndian);
            }

            // seccomp(2)'s 0 is not a proof (an earlier filter or its supervisor can fake it): the kernel's filter count is.
            using var verifier = InstallVerifier.Open(out string? cannotVerify);
            if (verifier == null)
                return new SeccompError(SeccompStep.Verify, 0, $"{policy}: {cannotVerify}; nothing was installed");
            var fallbacks = plan.Fallbacks;
            if (reportFallback != null) fallbacks = new List<SeccompFallback>(fallbacks) { Supervision.FallbackFor(reportFallback, options) };
            if (verifier.Unprovable)
            {
                if (!options.AllowWeakerFallbacks)
                    return new SeccompError(SeccompStep.Verify, 0, $"{policy}: {verifier.Check()}; nothing was installed. "
                        + "Set SeccompOptions.AllowWeakerFallbacks to install without that proof");
                fallbacks = new List<SeccompFallback>(fallbacks) { new("proof of the install (Seccomp_filters, Linux 5.9)", "seccomp(2)'s return value alone", true) };
            }

            int rc = NativeMethods.InstallFilter((uint)plan.Flags, bytes, out errno);
            if (rc < 0)
                return new SeccompError(SeccompStep.Install, errno, $"{policy}: seccomp(SECCOMP_SET_MODE_FILTER, {plan.Flags}) failed"
                    + Hints.ForInstall(errno));
            int listener = -1;
            if ((plan.Flags & SeccompFilterFlags.NewListener) != 0) listener = rc;
            else if (rc > 0)
                // With TSYNC alone, a positive result is the id of a thread that could not take the filter.
                return new SeccompError(SeccompStep.Install, 0, $"{policy}: thread {rc} could not be synchronized (TSYNC); no filter was installed. "
                    + Hints.OtherSeccompState);
            if (!verifier.Unprovable && verifier.Check() is string notInstalled)
                return new SeccompError(SeccompStep.Verify, 0, $"{policy}: {notInstalled}");

            FallbackReporter.Report(fallbacks, options);
            // The program is asked about open only for a privileged process: the usual install pays nothing for the warning.
            if (verifier.Privileged)
                FallbackReporter.Warn(verifier.PrivilegeWarning(policy, OpensFiles(plan.Program ?? instructions, arch)), options);
            installation = new SeccompInstallation(arch, instructions.Length, plan.Flags, fallbacks, listener);
            return null;
        }

        /// <summary>Whether the program lets an openat (or open) of a path for reading or writing through: ALLOW or LOG.</summary>
        internal static bool OpensFiles(IReadOnlyList<BpfInstruction> program, SeccompArch arch)
        {
            const ulong AtFdcwd = unchecked((ulong)-100), Path = 0x7f0000000000;
            foreach (ulong flags in new ulong[] { 0 /* O_RDONLY */, 1 /* O_WRONLY */, 2 /* O_RDWR */ })
                if (Lets(program, arch, "openat", AtFdcwd, Path, flags) == true || Lets(program, arch, "open", Path, flags) == true)
                    return true;
            return false;
        }

        /// <summary>The verifier's pread64 of /proc/thread-self/status after the install: ALLOW or LOG, never a kill or an errno.</summary>
        internal static bool LetsVerifierRead(IReadOnlyList<BpfInstruction> program, SeccompArch arch) =>
            // fd 3..1023 as an int, a user buffer, 8 KiB, offset 0: what InstallVerifier passes; a condition on any of
            // them that tells these apart would be odd, and is then refused here rather than killing the process.
            Lets(program, arch, "pread64", 3, 0x7f0000000000, 8192, 0) != false && Lets(program, arch, "pread64", 1023, 0x7f0000000000, 8192, 0) != false;

        /// <summary>Whether the program runs the call (ALLOW or LOG) in the interpreter; null when the architecture has no such call.</summary>
        internal static bool? Lets(IReadOnlyList<BpfInstruction> program, SeccompArch arch, string syscall, params ulong[] args)
        {
            var info = ArchInfo.Get(arch);
            if (!info.TryGetNumber(syscall, out int nr)) return null;
            var instructions = program as BpfInstruction[] ?? program.ToArray();
            var all = new ulong[6];
            args.CopyTo(all, 0);
            var action = ActionCodes.Decode(BpfInterpreter.Run(instructions, new SeccompData(nr, info.AuditArch, 0, all), out _), out _);
            return action is SeccompAction.Allow or SeccompAction.Log;
        }

        /// <summary>
        /// Runs <paramref name="install"/> once <paramref name="ready"/> is cancelled (at once if it already is). A failure
        /// ends the process: a service that asked for a narrower sandbox must not go on without it.
        /// </summary>
        public static System.Threading.CancellationTokenRegistration ApplyWhen(string policy, System.Threading.CancellationToken ready, Func<SeccompInstallation> install)
        {
            if (!ready.CanBeCanceled)
                throw new ArgumentException($"{policy}: the token can never be cancelled, so the policy would never be applied", nameof(ready));
            return ready.Register(() =>
            {
                try
                {
                    install();
                }
                catch (Exception ex)
                {
                    Environment.FailFast($"{policy}: the second-phase seccomp policy could not be installed: {ex.Message}", ex);
                }
            });
        }

        /// <summary>Evaluates a call by name on one of a policy's programs (used by the generated Evaluate).</summary>
        public static SeccompVerdict Evaluate(SeccompProgram program, string syscall, ulong[] args)
        {
            var info = ArchInfo.Get(program.Arch);
            if (!info.TryGetNumber(syscall, out int nr))
                throw new ArgumentException($"'{syscall}' is not a syscall on {info.Name}", nameof(syscall));
            return program.Run(nr, args);
        }
    }
}
