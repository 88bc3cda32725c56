using System;
using System.Collections.Generic;
using Seccomp.Bpf;
using Seccomp.Common;

namespace Seccomp
{
    /// <summary>
    /// The program installed for in-process reports (<see cref="SeccompOptions.Complain"/>,
    /// <see cref="SeccompOptions.ReportViolations"/>): the planned program with each denying return replaced by a jump
    /// to a block appended after it. A call the program allows runs exactly the instructions it ran before, so it costs
    /// what it cost; only a denied call reaches a block, which
    /// <list type="number">
    /// <item>answers another ABI's calls (and x32's) with the policy's bad-architecture action, as declared;</item>
    /// <item>lets the supervisor's own calls through, by construction: the listener ioctls
    /// (SECCOMP_IOCTL_NOTIF_RECV, _SEND and _SET_FLAGS) and tgkill to a thread of this process (the supervisor asks whether a
    /// thread is its own with signal 0, and ends the process with SIGSYS);</item>
    /// <item>answers in the kernel, never through the supervisor, the calls of @dotnet-runtime and those the runtime
    /// makes while it holds every managed thread stopped (a collection, or the tiered compiler swapping code, which
    /// toggles W^X mappings with mprotect): futex, mmap, mprotect, madvise, munmap, membarrier, sched_yield,
    /// rt_sigreturn, restart_syscall, getpid, gettid, clock_gettime. The supervisor is a managed thread, stopped too,
    /// and cannot answer a call the stopped world waits on; and a runtime that waits on its own call inside a lock
    /// would wait on the supervisor. Complain: LOG (they run; the kernel's audit log has them, and the build's
    /// SECC0042 names them); enforcing: the policy's own answer, unreported. Nothing the policy denies is let through;</item>
    /// <item>sends everything else to the supervisor (SECCOMP_RET_USER_NOTIF).</item>
    /// </list>
    /// </summary>
    internal static class SupervisedProgram
    {
        private const int ENOSYS = 38;

        /// <summary>
        /// The calls the kernel answers in a block, on <paramref name="arch"/>, sorted, in two lists: the stopped world's
        /// calls that a rule names (their own answer, LOG in complain mode), and the rest of the stopped world's and
        /// @dotnet-runtime's (their own answer; ALLOW in complain mode, where they would run anyway: a policy that
        /// denies the runtime its own calls by its default action is named by the build's SECC0042, and logging every
        /// futex would only flood the kernel's rate-limited log). A runtime call a rule names is not here: it is reported.
        /// </summary>
        internal static (IReadOnlyList<int> Named, IReadOnlyList<int> Unnamed) KernelAnswered(ArchInfo arch, ISet<string> namedByRules)
        {
            var named = new SortedSet<int>();
            var unnamed = new SortedSet<int>();
            foreach (string name in StoppedWorldCalls)
                if (arch.TryGetNumber(name, out int nr)) (namedByRules.Contains(name) ? named : unnamed).Add(nr);
            if (SyscallGroups.TryGet("dotnet-runtime", out var members))
                foreach (var m in members)
                    if (!namedByRules.Contains(m.Name) && arch.TryGetNumber(m.Name, out int nr) && !named.Contains(nr)) unnamed.Add(nr);
            return (new List<int>(named), new List<int>(unnamed));
        }

        /// <summary>The calls a stopped world makes (see the class summary); names an architecture lacks are skipped.</summary>
        internal static readonly string[] StoppedWorldCalls =
        {
            "futex", "mmap", "mprotect", "madvise", "munmap", "membarrier", "sched_yield", "rt_sigreturn", "restart_syscall",
            "getpid", "gettid", "clock_gettime",
        };

        /// <summary>Whether a return of the planned program goes to the supervisor.</summary>
        public static bool Supervises(SeccompVerdict v, bool complain) => v.Action switch
        {
            SeccompAction.KillProcess or SeccompAction.KillThread or SeccompAction.Trap => true,
            SeccompAction.Errno => v.Data != ENOSYS, // given on purpose so libc falls back: never a violation
            // Complain reports what the policy would trace or notify (it would not run as written); enforcing leaves
            // them to the kernel, which answers ENOSYS without a tracer.
            SeccompAction.Trace or SeccompAction.Notify => complain,
            _ => false,
        };

        /// <param name="planned">The program as it would be installed without reports (after the kernel's fallbacks).</param>
        /// <param name="arch">The running architecture.</param>
        /// <param name="badArch">The bad-architecture answer, fitted to the kernel.</param>
        /// <param name="processId">This process's id: tgkill is let through to its threads only.</param>
        /// <param name="complain">Complain mode (every supervised call runs) rather than enforcing.</param>
        /// <param name="namedByRules">The calls a rule of the policy names (from its declaration): a runtime call the policy
        /// denies by name is reported, one it denies only by its default action is the runtime's own.</param>
        public static BpfInstruction[] Build(IReadOnlyList<BpfInstruction> planned, ArchInfo arch, SeccompVerdict badArch, int processId, bool complain,
            ISet<string> namedByRules)
        {
            var output = new List<BpfInstruction>(planned.Count + 64);
            for (int i = 0; i < planned.Count; i++) output.Add(planned[i]);
            var blocks = new Dictionary<uint, int>();
            var pending = new List<(int Index, uint Verdict)>();
            for (int i = 0; i < planned.Count; i++)
            {
                var insn = planned[i];
                if (insn.Code != (Op.RET | Op.K) || !Supervises(SeccompVerdict.FromKernel(insn.K), complain)) continue;
                pending.Add((i, insn.K));
                if (!blocks.ContainsKey(insn.K)) blocks[insn.K] = -1;
            }
            foreach (uint k in new List<uint>(blocks.Keys))
            {
                blocks[k] = output.Count;
                // Complain: what the stopped world calls runs and the kernel logs it; enforcing: the policy's own answer.
                var declared = SeccompVerdict.FromKernel(k);
                var stoppedWorld = complain ? new SeccompVerdict(SeccompAction.Log) : declared;
                var runtime = complain ? SeccompVerdict.Allow : declared;
                output.AddRange(Block(arch, badArch, processId, stoppedWorld, runtime, namedByRules));
            }
            // A JA's offset is 32 bits and counts from the next instruction; the block is after every return.
            foreach (var (index, k) in pending)
                output[index] = BpfInstruction.Stmt(Op.JMP | Op.JA, (uint)(blocks[k] - index - 1));
            return output.ToArray();
        }

        private static List<BpfInstruction> Block(ArchInfo arch, SeccompVerdict badArch, int processId, SeccompVerdict stoppedWorld,
            SeccompVerdict runtime, ISet<string> namedByRules)
        {
            var b = new BlockWriter();
            b.Add(BpfInstruction.Stmt(Op.LD | Op.W | Op.ABS, Op.OffsetArch));
            b.JumpIf(Op.JEQ, arch.AuditArch, "abi", "bad");
            b.Label("abi");
            b.Add(BpfInstruction.Stmt(Op.LD | Op.W | Op.ABS, Op.OffsetNr));
            if (arch.HasX32) b.JumpIf(Op.JGE, ArchInfo.X32SyscallBit, "bad", "native");
            b.Label("native");
            if (arch.TryGetNumber("ioctl", out int ioctl))
            {
                b.JumpIf(Op.JEQ, (uint)ioctl, "ioctl", "not-ioctl");
                b.Label("ioctl");
                // The request is an unsigned int: the kernel reads the low 32 bits of the register only (4 bytes later
                // on a big-endian machine: s390x).
                b.Add(BpfInstruction.Stmt(Op.LD | Op.W | Op.ABS, Op.ArgOffset(1, high: false, arch.BigEndian)));
                b.JumpIf(Op.JEQ, SupervisorNative.SECCOMP_IOCTL_NOTIF_RECV, "allow", "ioctl-send");
                b.Label("ioctl-send");
                b.JumpIf(Op.JEQ, SupervisorNative.SECCOMP_IOCTL_NOTIF_SEND, "allow", "ioctl-flags");
                b.Label("ioctl-flags");
                b.JumpIf(Op.JEQ, SupervisorNative.SECCOMP_IOCTL_NOTIF_SET_FLAGS, "allow", "ioctl-other");
                b.Label("ioctl-other");
                b.Add(BpfInstruction.Stmt(Op.LD | Op.W | Op.ABS, Op.OffsetNr));
                b.Label("not-ioctl");
            }
            if (arch.TryGetNumber("tgkill", out int tgkill))
            {
                b.JumpIf(Op.JEQ, (uint)tgkill, "tgkill", "not-tgkill");
                b.Label("tgkill");
                // tgid is an int: the kernel compares the low 32 bits.
                b.Add(BpfInstruction.Stmt(Op.LD | Op.W | Op.ABS, Op.ArgOffset(0, high: false, arch.BigEndian)));
                b.JumpIf(Op.JEQ, (uint)processId, "allow", "tgkill-other");
                b.Label("tgkill-other");
                b.Add(BpfInstruction.Stmt(Op.LD | Op.W | Op.ABS, Op.OffsetNr));
                b.Label("not-tgkill");
            }
            var (named, unnamed) = KernelAnswered(arch, namedByRules);
            foreach (int nr in named)
            {
                string next = "after-" + nr;
                b.JumpIf(Op.JEQ, (uint)nr, "stopped-world", next);
                b.Label(next);
            }
            foreach (int nr in unnamed)
            {
                string next = "after-" + nr;
                b.JumpIf(Op.JEQ, (uint)nr, "runtime", next);
                b.Label(next);
            }
            b.Jump("notify");
            b.Label("stopped-world");
            b.Add(BpfInstruction.Stmt(Op.RET | Op.K, stoppedWorld.ToKernel()));
            b.Label("runtime");
            b.Add(BpfInstruction.Stmt(Op.RET | Op.K, runtime.ToKernel()));
            b.Label("allow");
            b.Add(BpfInstruction.Stmt(Op.RET | Op.K, SeccompVerdict.Allow.ToKernel()));
            b.Label("notify");
            b.Add(BpfInstruction.Stmt(Op.RET | Op.K, new SeccompVerdict(SeccompAction.Notify).ToKernel()));
            b.Label("bad");
            b.Add(BpfInstruction.Stmt(Op.RET | Op.K, badArch.ToKernel()));
            return b.Resolve();
        }

        /// <summary>A few instructions with forward jumps to labels, resolved to relative offsets at the end.</summary>
        private sealed class BlockWriter
        {
            private readonly List<BpfInstruction> _code = new();
            private readonly List<(int Index, string True, string? False)> _jumps = new();
            private readonly Dictionary<string, int> _labels = new();

            public void Add(BpfInstruction insn) => _code.Add(insn);

            public void Label(string name) => _labels[name] = _code.Count;

            public void JumpIf(ushort op, uint k, string whenTrue, string whenFalse)
            {
                _jumps.Add((_code.Count, whenTrue, whenFalse));
                _code.Add(BpfInstruction.Jump((ushort)(Op.JMP | op | Op.K), k, 0, 0));
            }

            public void Jump(string to)
            {
                _jumps.Add((_code.Count, to, null));
                _code.Add(BpfInstruction.Stmt(Op.JMP | Op.JA, 0));
            }

            public List<BpfInstruction> Resolve()
            {
                foreach (var (index, t, f) in _jumps)
                {
                    int Offset(string label)
                    {
                        int offset = _labels[label] - index - 1;
                        if (offset < 0 || offset > byte.MaxValue) throw new InvalidOperationException($"jump to {label} out of range ({offset})");
                        return offset;
                    }
                    var insn = _code[index];
                    _code[index] = f == null
                        ? insn with { K = (uint)Offset(t) }
                        : insn with { Jt = (byte)Offset(t), Jf = (byte)Offset(f) };
                }
                return _code;
            }
        }
    }
}
