using System;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Seccomp.Bpf;
using Seccomp.Common;

namespace Seccomp
{
    /// <summary>
    /// The thread that answers the calls a policy denies, inside the process (<see cref="SeccompOptions.Complain"/>,
    /// <see cref="SeccompOptions.ReportViolations"/>). It installs the filter itself, so that the listener fd lands in a
    /// file table of its own (unshare(CLONE_FILES) first): no other thread of the process can reach the listener to
    /// answer its own denied calls. Then it loops: receive a notification, decide with the planned program (the
    /// interpreter, so the answer is the one the kernel would have given), count it, hand a copy to the reporter
    /// through a ring, answer.
    /// </summary>
    /// <remarks>
    /// Why the loop is written as it is: every syscall this thread makes after the install must be one the program lets
    /// through by construction (the two listener ioctls, tgkill to its own process, the calls of a stopped world; see
    /// <see cref="SupervisedProgram"/>), or it would wait for itself. So the loop allocates nothing (no collection starts
    /// here), every method it runs is compiled before the install and never tiered again
    /// (<see cref="MethodImplOptions.AggressiveOptimization"/>, <see cref="RuntimeHelpers.PrepareMethod(RuntimeMethodHandle)"/>),
    /// its P/Invokes have been called once (stubs bound), and it reads no errno. The reporter, which formats, looks up
    /// and writes, is another thread: its calls go through the supervisor like anyone's.
    /// </remarks>
    internal sealed unsafe class InProcessSupervisor
    {
        /// <summary>Per (call, action): the first this many are handed over with their arguments; the rest only counted.</summary>
        public const int DetailedPerCall = SeccompViolation.DetailedPerCall;

        private const int ActionSlots = 8;
        private const int MaxSyscall = 1024;
        private const int ENOSYS = 38, EPERM = 1;

        private static InProcessSupervisor? s_current;

        private readonly BpfInstruction[] _planned;
        private readonly bool _complain;
        private readonly int _processId;
        private readonly int _tgkillNr;
        private readonly long _fatalTimeoutNs;
        private readonly long[] _counts = new long[MaxSyscall * ActionSlots];
        private int _listener = -1;

        /// <summary>To the reporter. A field: the loop reads it without a call.</summary>
        public readonly ViolationRing Ring = new(1024);

        public ArchInfo Arch { get; }

        public string Policy { get; }

        public bool Complain => _complain;

        /// <summary>The id of the supervisor's thread (the reporter leaves its thread out of nothing; it is only named).</summary>
        public int ThreadId { get; private set; }

        /// <summary>Set by the reporter when the fatal record it was handed has been written (and given to the callback).</summary>
        public long FatalReported;

        private InProcessSupervisor(string policy, BpfInstruction[] planned, ArchInfo arch, bool complain, TimeSpan fatalTimeout)
        {
            Policy = policy;
            _planned = planned;
            Arch = arch;
            _complain = complain;
            _processId = Environment.ProcessId;
            _tgkillNr = arch.TryGetNumber("tgkill", out int nr) ? nr : -1;
            double seconds = Math.Clamp(fatalTimeout.TotalSeconds, 0, 30);
            _fatalTimeoutNs = (long)(seconds * 1e9);
        }

        /// <summary>The supervisor installed in this process, if any (the kernel allows one listener per filter chain).</summary>
        public static InProcessSupervisor? Current => Volatile.Read(ref s_current);

        /// <summary>The (call, action) count: read by the reporter for its summaries.</summary>
        public long Count(int nr, SeccompAction action) =>
            (uint)nr < MaxSyscall ? Volatile.Read(ref _counts[nr * ActionSlots + (int)action]) : 0;

        /// <summary>What the install on the supervisor's thread came to.</summary>
        internal sealed class Outcome
        {
            public int Result = int.MinValue; // seccomp(2)'s return; int.MinValue: not installed
            public int Errno;
            public string? Problem;          // set up or verification failed
            public InstallVerifier? Verifier; // lives in the supervisor's file table: never disposed from another thread
        }

        /// <summary>
        /// Starts the supervisor thread, which installs <paramref name="program"/> with <paramref name="flags"/> (must
        /// include NEW_LISTENER) and then serves it. Returns when the install has been done or refused.
        /// </summary>
        public static Outcome InstallAndServe(string policy, BpfInstruction[] planned, byte[] program, uint flags, ArchInfo arch, bool complain,
            TimeSpan fatalTimeout, bool allowUnprovable, out InProcessSupervisor supervisor)
        {
            var s = new InProcessSupervisor(policy, planned, arch, complain, fatalTimeout);
            supervisor = s;
            var outcome = new Outcome();
            using var done = new ManualResetEventSlim(false);
            var thread = new Thread(() => s.Run(program, flags, allowUnprovable, outcome, done), 256 * 1024)
            {
                IsBackground = true,
                Name = "Seccomp supervisor",
            };
            thread.Start();
            done.Wait();
            if (outcome.Result >= 0) Volatile.Write(ref s_current, s);
            return outcome;
        }

        private void Run(byte[] program, uint flags, bool allowUnprovable, Outcome outcome, ManualResetEventSlim done)
        {
            try
            {
                ThreadId = SupervisorNative.GetTid();
                BlockAsynchronousSignals();
                if (SupervisorNative.Unshare(SupervisorNative.CLONE_FILES) != 0)
                {
                    outcome.Problem = $"unshare(CLONE_FILES) failed (errno {SupervisorNative.LastError}): the listener would be reachable from every thread";
                    return;
                }
                Warm();
                var verifier = InstallVerifier.Open(out string? cannotVerify);
                if (verifier == null)
                {
                    outcome.Problem = cannotVerify + "; nothing was installed";
                    return;
                }
                outcome.Verifier = verifier;
                if (verifier.Unprovable && !allowUnprovable)
                {
                    outcome.Problem = verifier.Check() + "; nothing was installed. Set SeccompOptions.AllowWeakerFallbacks to install without that proof";
                    return;
                }
                int rc = NativeMethods.InstallFilter(flags, program, out int errno);
                outcome.Result = rc;
                outcome.Errno = errno;
                if (rc < 0) return;
                _listener = rc;
                // seccomp(2)'s result is not a proof; the kernel's filter count of this thread is (pread64 on the fd opened
                // above, which the program lets through: SeccompLoader checked). The verifier is never closed: its fd is
                // in this thread's table, and close is not a call the program lets through by construction.
                if (!verifier.Unprovable) outcome.Problem = verifier.Check();
                // Before Linux 6.6 the kernel refuses the flag (EINVAL) and wakes the supervisor as any waiter: slower, no less correct.
                Clock.Ioctl(_listener, SupervisorNative.SECCOMP_IOCTL_NOTIF_SET_FLAGS, (void*)SupervisorNative.SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
            }
            catch (Exception ex)
            {
                // Before the install: nothing is in place, and the caller says why.
                outcome.Problem ??= $"{ex.GetType().Name}: {ex.Message}";
                if (_listener < 0) return;
            }
            finally
            {
                // From here this thread's calls are filtered; Set is a futex wake, which a stopped world needs too.
                done.Set();
            }
            Serve();
        }

        /// <summary>
        /// Process-directed signals (SIGCHLD, SIGINT, SIGTERM, SIGWINCH...) go to other threads, whose handlers may make
        /// any call. Faults stay deliverable, and so do the runtime's real-time signal (thread suspension).
        /// </summary>
        private static void BlockAsynchronousSignals()
        {
            ulong* set = stackalloc ulong[16];
            for (int i = 0; i < 16; i++) set[i] = 0;
            foreach (int sig in new[] { 1, 2, 3, 10, 12, 13, 14, 15, 17, 18, 20, 21, 22, 23, 26, 27, 28, 29, 30 })
                set[0] |= 1UL << (sig - 1);
            SupervisorNative.PthreadSigmask(0 /* SIG_BLOCK */, set, null);
        }

        /// <summary>Compiles and binds everything the loop calls, before the install (see the remarks).</summary>
        private void Warm()
        {
            foreach (var m in typeof(InProcessSupervisor).GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly))
                if (!m.IsAbstract && !m.ContainsGenericParameters && m.GetMethodBody() != null) RuntimeHelpers.PrepareMethod(m.MethodHandle);
            RuntimeHelpers.PrepareMethod(typeof(ViolationRing).GetMethod(nameof(ViolationRing.TryWrite))!.MethodHandle);
            foreach (var m in typeof(Clock).GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly))
                if (m.GetMethodBody() != null) RuntimeHelpers.PrepareMethod(m.MethodHandle);
            foreach (var m in typeof(BpfInterpreter).GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly))
                RuntimeHelpers.PrepareMethod(m.MethodHandle);
            foreach (var m in typeof(SeccompData).GetMethods(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly))
                if (m.GetMethodBody() != null) RuntimeHelpers.PrepareMethod(m.MethodHandle);
            foreach (var c in typeof(SeccompData).GetConstructors(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public))
                RuntimeHelpers.PrepareMethod(c.MethodHandle);
            // Each P/Invoke once: its stub is generated and its symbol bound now, not on first use after the install.
            var n = default(SupervisorNative.Notif);
            var r = default(SupervisorNative.Response);
            Clock.Ioctl(-1, SupervisorNative.SECCOMP_IOCTL_NOTIF_RECV, &n);
            Clock.Ioctl(-1, SupervisorNative.SECCOMP_IOCTL_NOTIF_SEND, &r);
            if (_tgkillNr >= 0) Clock.Tgkill(_tgkillNr, _processId, ThreadId, 0);
            Clock.NowNs();
            n.Nr = -1;
            Decide(ref n);
            Spin(1);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Serve()
        {
            var n = default(SupervisorNative.Notif);
            var resp = default(SupervisorNative.Response);
            int failures = 0;
            while (true)
            {
                n = default; // the kernel refuses a buffer that is not zeroed
                if (Clock.Ioctl(_listener, SupervisorNative.SECCOMP_IOCTL_NOTIF_RECV, &n) != 0)
                {
                    // EINTR (a signal), ENOENT (the caller died first): go on. A listener that fails on and on is gone:
                    // the kernel then answers every pending and later notification with ENOSYS.
                    if (++failures > 10000) return;
                    continue;
                }
                failures = 0;
                uint verdict = Decide(ref n);
                var action = ActionOf(verdict);
                int data = (int)(verdict & 0xffff);
                bool fatal = !_complain && action is SeccompAction.KillProcess or SeccompAction.KillThread or SeccompAction.Trap;
                if (!_complain && action == SeccompAction.Notify)
                {
                    // A Notify rule of the policy itself, enforcing: the kernel's answer without a listener of the policy's own.
                    Answer(ref resp, n.Id, -ENOSYS, 0);
                    continue;
                }
                bool otherProcess = fatal && !IsOwnThread((int)n.Pid);
                long count = 1;
                if ((uint)n.Nr < MaxSyscall) count = Interlocked.Increment(ref _counts[n.Nr * ActionSlots + (int)action]);
                if (count <= DetailedPerCall || fatal)
                {
                    var record = new ViolationRecord
                    {
                        Nr = n.Nr, Arch = n.Arch, ThreadId = (int)n.Pid, Verdict = verdict, Count = count, Fatal = fatal && !otherProcess,
                        OtherProcess = otherProcess,
                        A0 = n.Args[0], A1 = n.Args[1], A2 = n.Args[2], A3 = n.Args[3], A4 = n.Args[4], A5 = n.Args[5],
                    };
                    if (record.Fatal) { EndProcess(in record); continue; }
                    Ring.TryWrite(in record);
                }
                if (_complain) Answer(ref resp, n.Id, 0, SupervisorNative.SECCOMP_USER_NOTIF_FLAG_CONTINUE);
                else if (action == SeccompAction.Errno) Answer(ref resp, n.Id, -data, 0);
                else if (action == SeccompAction.Trace) Answer(ref resp, n.Id, -ENOSYS, 0);
                else if (otherProcess) Answer(ref resp, n.Id, -EPERM, 0); // a child's killed call: it fails instead (docs/reports.md)
                else Answer(ref resp, n.Id, 0, SupervisorNative.SECCOMP_USER_NOTIF_FLAG_CONTINUE); // allowed after all: not reached
            }
        }

        /// <summary>SECCOMP_RET_ACTION_FULL of a return value, as <see cref="ActionCodes.Decode"/> reads it, here so the loop calls nothing shared.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static SeccompAction ActionOf(uint verdict) => (verdict & 0xffff0000u) switch
        {
            0x00000000u => SeccompAction.KillThread,
            0x00030000u => SeccompAction.Trap,
            0x00050000u => SeccompAction.Errno,
            0x7fc00000u => SeccompAction.Notify,
            0x7ff00000u => SeccompAction.Trace,
            0x7ffc0000u => SeccompAction.Log,
            0x7fff0000u => SeccompAction.Allow,
            _ => SeccompAction.KillProcess,
        };

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Answer(ref SupervisorNative.Response resp, ulong id, int error, uint flags)
        {
            resp.Id = id;
            resp.Val = 0;
            resp.Error = error;
            resp.Flags = flags;
            fixed (SupervisorNative.Response* p = &resp)
                Clock.Ioctl(_listener, SupervisorNative.SECCOMP_IOCTL_NOTIF_SEND, p); // ENOENT: the caller is gone
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private uint Decide(ref SupervisorNative.Notif n)
        {
            var data = new SeccompData(n.Nr, n.Arch, n.InstructionPointer, n.Args[0], n.Args[1], n.Args[2], n.Args[3], n.Args[4], n.Args[5]);
            return BpfInterpreter.Run(_planned, in data, out _);
        }

        /// <summary>tgkill(self, tid, 0) succeeds only for a thread of this process; the program lets it through.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool IsOwnThread(int tid) => _tgkillNr < 0 || Clock.Tgkill(_tgkillNr, _processId, tid, 0) == 0;

        /// <summary>
        /// A call the policy kills: the report first (the reporter writes it, and hands it to the callback), for at most
        /// the report timeout, then SIGSYS to the calling thread, which ends the process as the kernel's kill would
        /// (SIGSYS's default action: terminate with a core dump). The call itself is never answered, so it never runs.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void EndProcess(in ViolationRecord record)
        {
            long start = Clock.NowNs();
            long seq = record.Count;
            while (!Ring.TryWrite(in record) && Clock.NowNs() - start < _fatalTimeoutNs) Spin(2000);
            while (Volatile.Read(ref FatalReported) == 0 && Clock.NowNs() - start < _fatalTimeoutNs) Spin(2000);
            Clock.Tgkill(_tgkillNr, _processId, record.ThreadId, SupervisorNative.SIGSYS);
            // SIGSYS is fatal unless the application handles or blocks it. Then, after a second, SIGKILL: the call is never
            // answered, and no caller waits for an answer that will not come.
            start = Clock.NowNs();
            while (Clock.NowNs() - start < 1_000_000_000) Spin(1 << 16);
            Clock.Tgkill(_tgkillNr, _processId, _processId, 9 /* SIGKILL */);
            while (true) Spin(1 << 20);
        }

        /// <summary>A pause loop: no syscall, no call the runtime could tier.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
        private static void Spin(int iterations)
        {
            int x = 0;
            for (int i = 0; i < iterations; i++) x = Volatile.Read(ref x) + 1;
        }

        /// <summary>The loop's native calls, without errno capture (which would call into the runtime after each).</summary>
        private static class Clock
        {
            [DllImport("libc", EntryPoint = "ioctl")]
            public static extern int Ioctl(int fd, ulong request, void* arg);

            [DllImport("libc", EntryPoint = "syscall")]
            private static extern long Syscall3(long nr, long a1, long a2, long a3);

            [DllImport("libc", EntryPoint = "clock_gettime")]
            private static extern int ClockGettime(int clock, long* ts);

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public static int Tgkill(int nr, int tgid, int tid, int signal) => (int)Syscall3(nr, tgid, tid, signal);

            /// <summary>CLOCK_MONOTONIC in nanoseconds (the vDSO: no syscall where the clock source allows).</summary>
            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public static long NowNs()
            {
                long* ts = stackalloc long[2];
                ClockGettime(1, ts);
                return ts[0] * 1_000_000_000 + ts[1];
            }
        }
    }
}
