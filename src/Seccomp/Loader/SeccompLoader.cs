using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using System.Runtime.InteropServices;
using Seccomp.Compiler;
using Seccomp.Compiler.Bpf;

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
        private static readonly HashSet<string> s_reported = new();

        /// <summary>The architecture this process runs as, or null when no policy can target it.</summary>
        public static SeccompArch? CurrentArchitecture => RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => SeccompArch.X86_64,
            Architecture.Arm64 => SeccompArch.Aarch64,
            var a when a.ToString() == "RiscV64" => SeccompArch.Riscv64,
            _ => null,
        };

        /// <summary>Installs, or returns why not; never throws.</summary>
        public static bool TryInstall(string policy, ReadOnlySpan<byte> program, IReadOnlyList<SeccompArch> targets,
            bool policyLogDenied, SeccompOptions? options, out SeccompInstallation? installation, out SeccompError? error)
        {
            installation = null;
            try
            {
                options ??= SeccompOptions.Default;
                error = InstallCore(policy, program, targets, policyLogDenied, options, out installation);
                return error == null;
            }
            catch (Exception ex)
            {
                // Fail closed, and say why: a missing libc or an unexpected runtime error is not a sandbox.
                error = new SeccompError(SeccompStep.Install, 0, $"{policy}: {ex.GetType().Name}: {ex.Message}");
                return false;
            }
        }

        /// <summary>Installs, or throws <see cref="SeccompException"/>.</summary>
        public static SeccompInstallation Install(string policy, ReadOnlySpan<byte> program, IReadOnlyList<SeccompArch> targets,
            bool policyLogDenied, SeccompOptions? options)
        {
            if (!TryInstall(policy, program, targets, policyLogDenied, options, out var installation, out var error))
                throw new SeccompException(error!);
            return installation!;
        }

        private static SeccompError? InstallCore(string policy, ReadOnlySpan<byte> program, IReadOnlyList<SeccompArch> targets,
            bool policyLogDenied, SeccompOptions options, out SeccompInstallation? installation)
        {
            installation = null;
            var arch = CurrentArchitecture;
            if (arch == null || program.IsEmpty)
                return new SeccompError(SeccompStep.SelectArchitecture, 0,
                    $"{policy} has no program for {RuntimeInformation.ProcessArchitecture}; it targets {string.Join(", ", targets)}");

            BpfInstruction[] instructions;
            try { instructions = BpfInstruction.FromBytes(program.ToArray()); }
            catch (ArgumentException ex) { return new SeccompError(SeccompStep.Validate, 0, $"{policy}: {ex.Message}"); }
            var problems = BpfVerifier.Verify(instructions);
            if (problems.Count > 0)
                return new SeccompError(SeccompStep.Validate, 0, $"{policy}: the {arch} program is not one the kernel accepts: {problems[0]}");

            var probe = options.Probe ?? KernelFeatureProbe.Instance;
            var plan = Plan(instructions, options, policyLogDenied, probe);
            if (plan.Error != null) return new SeccompError(SeccompStep.Probe, 0, $"{policy}: {plan.Error}");

            ReadOnlySpan<byte> bytes = plan.Program == null ? program : BpfInstruction.ToBytes(plan.Program);
            if (NativeMethods.Prctl(NativeMethods.PR_SET_NO_NEW_PRIVS, 1, out int errno) != 0)
                return new SeccompError(SeccompStep.NoNewPrivs, errno, $"{policy}: prctl(PR_SET_NO_NEW_PRIVS) failed");

            int rc = NativeMethods.InstallFilter((uint)plan.Flags, bytes, out errno);
            if (rc < 0)
                return new SeccompError(SeccompStep.Install, errno, $"{policy}: seccomp(SECCOMP_SET_MODE_FILTER, {plan.Flags}) failed"
                    + (errno == NativeMethods.ESRCH ? ": a thread could not be synchronized" : ""));
            int listener = -1;
            if ((plan.Flags & SeccompFilterFlags.NewListener) != 0) listener = rc;
            else if (rc > 0)
                // With TSYNC alone, a positive result is the id of a thread that could not take the filter.
                return new SeccompError(SeccompStep.Install, 0, $"{policy}: thread {rc} could not be synchronized (TSYNC); no filter was installed");

            Report(plan.Fallbacks, options);
            installation = new SeccompInstallation(arch.Value, instructions.Length, plan.Flags, plan.Fallbacks, listener);
            return null;
        }

        /// <summary>Runs after the filter is in place: a failing callback or stream must not turn success into an error.</summary>
        private static void Report(IReadOnlyList<SeccompFallback> fallbacks, SeccompOptions options)
        {
            foreach (var f in fallbacks)
            {
                lock (s_reported)
                    if (!s_reported.Add(f.Feature + "->" + f.Substitute)) continue;
                try
                {
                    if (options.OnFallback != null) options.OnFallback(f);
                    else Console.Error.WriteLine(f.ToString());
                }
                catch (Exception)
                {
                    // The fallback is also in SeccompInstallation.Fallbacks.
                }
            }
        }

        /// <summary>The program and flags to install on a kernel with the probed features, or why there are none.</summary>
        /// <param name="Program">The program to install, or null when it is the one given, unchanged.</param>
        /// <param name="Flags">The seccomp(2) filter flags to install with.</param>
        /// <param name="Fallbacks">The documented substitutions made for what the kernel lacks.</param>
        /// <param name="Error">Why the program cannot be installed on this kernel, or null.</param>
        public sealed record InstallPlan(BpfInstruction[]? Program, SeccompFilterFlags Flags, IReadOnlyList<SeccompFallback> Fallbacks, string? Error);

        /// <summary>
        /// Applies complain mode and the documented fallbacks to a program:
        /// KILL_PROCESS → KILL_THREAD (Linux &lt; 4.14; still kills), USER_NOTIF and TRACE → ERRNO(ENOSYS) (what they
        /// return anyway with no listener or tracer), FLAG_LOG dropped (logging only). Weaker ones need
        /// <see cref="SeccompOptions.AllowWeakerFallbacks"/>: LOG → ALLOW, no TSYNC. Anything else fails.
        /// </summary>
        public static InstallPlan Plan(IReadOnlyList<BpfInstruction> program, SeccompOptions options, bool policyLogDenied, ISeccompFeatureProbe probe)
        {
            var fallbacks = new List<SeccompFallback>();
            var substitute = new Dictionary<ActionKind, Verdict?>();
            string? error = null;
            bool weakOk = options.AllowWeakerFallbacks;

            Verdict Map(Verdict v)
            {
                if (options.Complain && v.Kind != ActionKind.Allow && v.Kind != ActionKind.Log) v = new Verdict(ActionKind.Log, 0);
                if (!substitute.TryGetValue(v.Kind, out var sub))
                {
                    sub = null;
                    if (!probe.IsActionAvailable((SeccompAction)v.Kind))
                    {
                        switch (v.Kind)
                        {
                            case ActionKind.KillProcess when probe.IsActionAvailable(SeccompAction.KillThread):
                                sub = new Verdict(ActionKind.KillThread, 0);
                                fallbacks.Add(new("SECCOMP_RET_KILL_PROCESS", "SECCOMP_RET_KILL_THREAD", false));
                                break;
                            case ActionKind.Notify when !options.CreateListener && probe.IsActionAvailable(SeccompAction.Errno):
                            case ActionKind.Trace when probe.IsActionAvailable(SeccompAction.Errno):
                                sub = Verdict.Errno(NativeMethods.ENOSYS);
                                fallbacks.Add(new(v.Kind == ActionKind.Notify ? "SECCOMP_RET_USER_NOTIF" : "SECCOMP_RET_TRACE", "SECCOMP_RET_ERRNO(ENOSYS)", false));
                                break;
                            case ActionKind.Log when weakOk && probe.IsActionAvailable(SeccompAction.Allow):
                                sub = Verdict.Allow;
                                fallbacks.Add(new("SECCOMP_RET_LOG", "SECCOMP_RET_ALLOW", true));
                                break;
                            default:
                                error ??= $"the kernel lacks {ActionName(v.Kind)}"
                                    + (v.Kind == ActionKind.Log && !weakOk ? " (LOG would become ALLOW: set AllowWeakerFallbacks to accept that)" : "");
                                break;
                        }
                    }
                    substitute[v.Kind] = sub;
                }
                return sub ?? v;
            }

            // Copy only when a RET changes: on a kernel with every feature the program goes in as generated.
            BpfInstruction[]? output = null;
            for (int i = 0; i < program.Count; i++)
            {
                var insn = program[i];
                if (insn.Code != (Op.RET | Op.K)) continue;
                var v = Verdict.FromKernel(insn.K);
                var mapped = Map(v);
                if (mapped == v) continue;
                if (output == null)
                {
                    output = new BpfInstruction[program.Count];
                    for (int j = 0; j < program.Count; j++) output[j] = program[j];
                }
                output[i] = insn with { K = mapped.ToKernel() };
            }

            var flags = SeccompFilterFlags.None;
            if (probe.IsFilterFlagSupported(SeccompFilterFlags.Tsync)) flags |= SeccompFilterFlags.Tsync;
            else if (weakOk) fallbacks.Add(new("SECCOMP_FILTER_FLAG_TSYNC", "a filter on the calling thread only", true));
            else error ??= "the kernel lacks SECCOMP_FILTER_FLAG_TSYNC: threads started before Apply() would stay unfiltered";

            if (options.LogDenied || policyLogDenied)
            {
                if (probe.IsFilterFlagSupported(SeccompFilterFlags.Log)) flags |= SeccompFilterFlags.Log;
                else fallbacks.Add(new("SECCOMP_FILTER_FLAG_LOG", "no logging of denied calls", false));
            }

            if (options.CreateListener)
            {
                if (!probe.IsFilterFlagSupported(SeccompFilterFlags.NewListener))
                    error ??= "the kernel lacks SECCOMP_FILTER_FLAG_NEW_LISTENER";
                else
                {
                    flags |= SeccompFilterFlags.NewListener;
                    // TSYNC and NEW_LISTENER only combine with TSYNC_ESRCH (Linux 5.7).
                    if ((flags & SeccompFilterFlags.Tsync) != 0)
                    {
                        if (probe.IsFilterFlagSupported(SeccompFilterFlags.TsyncEsrch)) flags |= SeccompFilterFlags.TsyncEsrch;
                        else error ??= "the kernel cannot combine TSYNC with a listener (SECCOMP_FILTER_FLAG_TSYNC_ESRCH, Linux 5.7)";
                    }
                }
            }
            return new InstallPlan(output, flags, fallbacks, error);
        }

        private static string ActionName(ActionKind kind) => kind switch
        {
            ActionKind.KillProcess => "SECCOMP_RET_KILL_PROCESS",
            ActionKind.KillThread => "SECCOMP_RET_KILL_THREAD",
            ActionKind.Trap => "SECCOMP_RET_TRAP",
            ActionKind.Errno => "SECCOMP_RET_ERRNO",
            ActionKind.Notify => "SECCOMP_RET_USER_NOTIF",
            ActionKind.Trace => "SECCOMP_RET_TRACE",
            ActionKind.Log => "SECCOMP_RET_LOG",
            _ => "SECCOMP_RET_ALLOW",
        };

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
            var info = ArchInfo.Get((TargetArch)program.Arch);
            if (!info.TryGetNumber(syscall, out int nr))
                throw new ArgumentException($"'{syscall}' is not a syscall on {info.Name}", nameof(syscall));
            return program.Run(nr, args);
        }
    }
}
