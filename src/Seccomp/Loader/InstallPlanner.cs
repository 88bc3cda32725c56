using System.Collections.Generic;
using Seccomp.Bpf;
using Seccomp.Common;

namespace Seccomp
{
    /// <summary>
    /// Fits a program to the running kernel before it is installed: complain mode, and the documented fallbacks for
    /// what the kernel lacks. It decides only; the native calls are in <see cref="NativeMethods"/>.
    /// </summary>
    internal static class InstallPlanner
    {
        private const int ENOSYS = 38;

        /// <summary>
        /// Applies complain mode and the documented fallbacks to a program:
        /// KILL_PROCESS → KILL_THREAD (Linux &lt; 4.14; still kills), USER_NOTIF and TRACE → ERRNO(ENOSYS) (what they
        /// return anyway with no listener or tracer), FLAG_LOG dropped (logging only). Weaker ones need
        /// <see cref="SeccompOptions.AllowWeakerFallbacks"/>: LOG → ALLOW, no TSYNC. Anything else fails.
        /// </summary>
        /// <param name="program">The generated program.</param>
        /// <param name="options">The application's options.</param>
        /// <param name="facts">The policy's facts (its bad-architecture answer).</param>
        /// <param name="arch">The running architecture.</param>
        /// <param name="probe">Where the kernel's features are asked.</param>
        /// <param name="supervise">In-process reports (<see cref="SupervisedProgram"/>): complain mode is the supervisor's, not
        /// LOG's, and the filter is installed with a listener.</param>
        public static InstallPlan Plan(IReadOnlyList<BpfInstruction> program, SeccompOptions options, SeccompPolicyFacts facts, ArchInfo arch,
            ISeccompFeatureProbe probe, bool supervise = false)
        {
            var fallbacks = new List<SeccompFallback>();
            var substitute = new Dictionary<SeccompAction, SeccompVerdict?>();
            string? error = null;
            bool weakOk = options.AllowWeakerFallbacks;

            // A question refused by a filter installed earlier is not "the kernel lacks it": no fallback is taken for
            // it, and the install fails saying which question was refused and how.
            string? denied = null;
            int deniedErrno = 0;
            // The call that asked is spelled only when it was refused.
            bool Answer(SeccompFeatureStatus status, int e, string operation, string subject, string tail)
            {
                if (status == SeccompFeatureStatus.DeniedByFilter && denied == null)
                {
                    denied = $"seccomp({operation}, {subject}{tail}) was denied by a seccomp filter installed earlier in this process, "
                        + "so whether the kernel has it cannot be known (it is not missing from the kernel)";
                    deniedErrno = e;
                }
                return status == SeccompFeatureStatus.Supported;
            }
            bool Has(SeccompAction a) =>
                Answer(probe.ProbeAction(a, out int e), e, "SECCOMP_GET_ACTION_AVAIL", ActionCodes.KernelName(a), "");
            bool HasFlag(SeccompFilterFlags f, string name) =>
                Answer(probe.ProbeFilterFlag(f, out int e), e, "SECCOMP_SET_MODE_FILTER", name, ", NULL");

            SeccompVerdict Fit(SeccompVerdict v)
            {
                if (!substitute.TryGetValue(v.Action, out var sub))
                {
                    sub = null;
                    if (!Has(v.Action))
                    {
                        switch (v.Action)
                        {
                            case SeccompAction.KillProcess when Has(SeccompAction.KillThread):
                                sub = new SeccompVerdict(SeccompAction.KillThread);
                                fallbacks.Add(new("SECCOMP_RET_KILL_PROCESS", "SECCOMP_RET_KILL_THREAD", false));
                                break;
                            case SeccompAction.Notify when !options.CreateListener && Has(SeccompAction.Errno):
                            case SeccompAction.Trace when Has(SeccompAction.Errno):
                                sub = new SeccompVerdict(SeccompAction.Errno, ENOSYS);
                                fallbacks.Add(new(ActionCodes.KernelName(v.Action), "SECCOMP_RET_ERRNO(ENOSYS)", false));
                                break;
                            case SeccompAction.Log when weakOk && Has(SeccompAction.Allow):
                                sub = SeccompVerdict.Allow;
                                fallbacks.Add(new("SECCOMP_RET_LOG", "SECCOMP_RET_ALLOW", true));
                                break;
                            default:
                                error ??= $"the kernel lacks {ActionCodes.KernelName(v.Action)}"
                                    + (v.Action == SeccompAction.Log && !weakOk ? " (LOG would become ALLOW: set AllowWeakerFallbacks to accept that)" : "");
                                break;
                        }
                    }
                    substitute[v.Action] = sub;
                }
                return sub ?? v;
            }

            // Complain mode turns every denying answer into LOG, except ERRNO(ENOSYS): that answer is given on purpose
            // (calls newer than the policy, clone3 in @dotnet-runtime) so that libc falls back to an older call, and
            // logging it instead would change what the service does. The architecture check and the x32 guard are
            // kept as declared by a guard put in front of the program (see WithArchitectureGuard).
            SeccompVerdict Map(SeccompVerdict v)
            {
                if (options.Complain && !supervise && v.Action is not (SeccompAction.Allow or SeccompAction.Log)
                    && !(v.Action == SeccompAction.Errno && v.Data == ENOSYS))
                    v = new SeccompVerdict(SeccompAction.Log);
                return Fit(v);
            }

            // Copy only when a RET changes: on a kernel with every feature the program goes in as generated.
            BpfInstruction[]? output = null;
            for (int i = 0; i < program.Count; i++)
            {
                var insn = program[i];
                if (insn.Code != (Op.RET | Op.K)) continue;
                var v = SeccompVerdict.FromKernel(insn.K);
                var mapped = Map(v);
                if (mapped == v) continue;
                if (output == null)
                {
                    output = new BpfInstruction[program.Count];
                    for (int j = 0; j < program.Count; j++) output[j] = program[j];
                }
                output[i] = insn with { K = mapped.ToKernel() };
            }
            if (options.Complain && !supervise && output != null)
                output = WithArchitectureGuard(arch, facts.BadArchAction, output, Fit);

            var flags = SeccompFilterFlags.None;
            if (HasFlag(SeccompFilterFlags.Tsync, "SECCOMP_FILTER_FLAG_TSYNC")) flags |= SeccompFilterFlags.Tsync;
            else if (weakOk) fallbacks.Add(new("SECCOMP_FILTER_FLAG_TSYNC", "a filter on the calling thread only", true));
            else error ??= "the kernel lacks SECCOMP_FILTER_FLAG_TSYNC: threads started before Apply() would stay unfiltered";

            if (options.LogDenied || facts.LogDenied)
            {
                if (HasFlag(SeccompFilterFlags.Log, "SECCOMP_FILTER_FLAG_LOG")) flags |= SeccompFilterFlags.Log;
                else fallbacks.Add(new("SECCOMP_FILTER_FLAG_LOG", "no logging of denied calls", false));
            }

            if (options.CreateListener || supervise)
            {
                if (!HasFlag(SeccompFilterFlags.NewListener, "SECCOMP_FILTER_FLAG_NEW_LISTENER"))
                    error ??= "the kernel lacks SECCOMP_FILTER_FLAG_NEW_LISTENER";
                else
                {
                    flags |= SeccompFilterFlags.NewListener;
                    // TSYNC and NEW_LISTENER only combine with TSYNC_ESRCH (Linux 5.7).
                    if ((flags & SeccompFilterFlags.Tsync) != 0)
                    {
                        if (HasFlag(SeccompFilterFlags.TsyncEsrch, "SECCOMP_FILTER_FLAG_TSYNC_ESRCH")) flags |= SeccompFilterFlags.TsyncEsrch;
                        else error ??= "the kernel cannot combine TSYNC with a listener (SECCOMP_FILTER_FLAG_TSYNC_ESRCH, Linux 5.7)";
                    }
                }
            }
            if (output != null && output.Length > Op.MaxInstructions)
                error ??= $"in complain mode the program needs {output.Length} instructions, more than the kernel's {Op.MaxInstructions}";
            if (denied != null)
                return new InstallPlan(null, flags, System.Array.Empty<SeccompFallback>(), denied, deniedErrno, DeniedByFilter: true);
            return new InstallPlan(output, flags, fallbacks, error);
        }

        /// <summary>
        /// The program Apply() installs under <c>dotnet-seccomp record</c> or <c>check</c> (a build with SeccompAllowRecording
        /// only): every denying answer of <paramref name="planned"/> (KILL_PROCESS, KILL_THREAD, TRAP, TRACE, ERRNO other
        /// than ENOSYS) becomes USER_NOTIF, so the tool sees the call and answers it (record: runs it; check: gives the
        /// policy's answer). ERRNO(ENOSYS) stays, as in complain mode. The bad-architecture answer stays as declared
        /// (<paramref name="badArch"/>, from the policy's facts: a guard in front, as in complain mode). After it, a guard lets write(<paramref name="fdOut"/>) and
        /// read(<paramref name="fdIn"/>) through: the handshake's two calls, made before the tool owns the listener.
        /// </summary>
        public static BpfInstruction[] ForRecording(IReadOnlyList<BpfInstruction> planned, ArchInfo arch, SeccompVerdict badArch, int fdOut, int fdIn)
        {
            var mapped = new List<BpfInstruction>();
            if (!arch.TryGetNumber("write", out int writeNr) || !arch.TryGetNumber("read", out int readNr))
                throw new System.InvalidOperationException($"no write/read on {arch.Name}");
            // ld nr; jeq write ? +0 : +2; ld arg0; jeq fdOut ? allow : rest; jeq read ? +0 : rest; ld arg0; jeq fdIn ? allow : rest; ret allow
            // The fd's word: the low one, 4 bytes into args[0] on a big-endian kernel (s390x).
            uint arg0 = Op.ArgOffset(0, high: false, arch.BigEndian);
            mapped.Add(BpfInstruction.Stmt(Op.LD | Op.W | Op.ABS, Op.OffsetNr));              // 0
            mapped.Add(BpfInstruction.Jump(Op.JMP | Op.JEQ | Op.K, (uint)writeNr, 0, 2));      // 1 -> 2 | 4
            mapped.Add(BpfInstruction.Stmt(Op.LD | Op.W | Op.ABS, arg0));                      // 2
            mapped.Add(BpfInstruction.Jump(Op.JMP | Op.JEQ | Op.K, (uint)fdOut, 3, 4));        // 3 -> 7 | 8
            mapped.Add(BpfInstruction.Jump(Op.JMP | Op.JEQ | Op.K, (uint)readNr, 0, 3));       // 4 -> 5 | 8
            mapped.Add(BpfInstruction.Stmt(Op.LD | Op.W | Op.ABS, arg0));                      // 5
            mapped.Add(BpfInstruction.Jump(Op.JMP | Op.JEQ | Op.K, (uint)fdIn, 0, 1));         // 6 -> 7 | 8
            mapped.Add(BpfInstruction.Stmt(Op.RET | Op.K, SeccompVerdict.Allow.ToKernel()));   // 7
            uint notify = new SeccompVerdict(SeccompAction.Notify).ToKernel();
            foreach (var insn in planned)
            {
                if (insn.Code == (Op.RET | Op.K))
                {
                    var v = SeccompVerdict.FromKernel(insn.K);
                    bool denies = v.Action is SeccompAction.KillProcess or SeccompAction.KillThread or SeccompAction.Trap or SeccompAction.Trace
                        || (v.Action == SeccompAction.Errno && v.Data != ENOSYS);
                    if (denies) { mapped.Add(insn with { K = notify }); continue; }
                }
                mapped.Add(insn);
            }
            return WithArchitectureGuard(arch, badArch, mapped.ToArray(), v => v);
        }

        /// <summary>
        /// Complain mode must not let a call of another ABI through: an i386 <c>int 0x80</c> call, or an x32 call on
        /// x86_64, gets the policy's bad-architecture answer (<paramref name="bad"/>, stated by the generated code in the
        /// policy's facts), not LOG. A guard that answers it is put in front of the program; jumps are relative, so the
        /// program after the guard runs unchanged. Nothing is read from the program's own first instructions.
        /// </summary>
        private static BpfInstruction[] WithArchitectureGuard(ArchInfo arch, SeccompVerdict bad, BpfInstruction[] mapped,
            System.Func<SeccompVerdict, SeccompVerdict> fit)
        {
            uint auditArch = arch.AuditArch;
            uint ret = fit(bad).ToKernel();
            var guard = new List<BpfInstruction>
            {
                BpfInstruction.Stmt(Op.LD | Op.W | Op.ABS, Op.OffsetArch),
                BpfInstruction.Jump(Op.JMP | Op.JEQ | Op.K, auditArch, 1, 0),
                BpfInstruction.Stmt(Op.RET | Op.K, ret),
            };
            if (arch.HasX32)
            {
                guard.Add(BpfInstruction.Stmt(Op.LD | Op.W | Op.ABS, Op.OffsetNr));
                guard.Add(BpfInstruction.Jump(Op.JMP | Op.JGE | Op.K, ArchInfo.X32SyscallBit, 0, 1));
                guard.Add(BpfInstruction.Stmt(Op.RET | Op.K, ret));
            }
            var result = new BpfInstruction[guard.Count + mapped.Length];
            guard.CopyTo(result);
            mapped.CopyTo(result, guard.Count);
            return result;
        }
    }
}
