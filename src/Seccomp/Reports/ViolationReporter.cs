using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using Seccomp.Common;
using Seccomp.Common.Conditions;

namespace Seccomp
{
    /// <summary>
    /// Turns what the supervisor hands over into <see cref="SeccompViolation"/>s and delivers them: a thread that drains
    /// the ring, names the thread, decodes the arguments, finds the rule and writes standard error; and, when there is a
    /// callback, a second thread that calls it, so that a callback that hangs holds up only later callbacks. Everything
    /// it keeps is bounded: per (call, action) a few argument lists, and a queue of at most 4096 reports for the callback.
    /// </summary>
    internal sealed class ViolationReporter
    {
        private const int CallbackQueue = 4096;

        private readonly InProcessSupervisor _supervisor;
        private readonly Action<SeccompViolation>? _callback;
        private readonly TimeSpan _interval;
        private readonly bool _readProc;
        private readonly RuleFinder _rules;
        private readonly int _processId = Environment.ProcessId;
        private readonly ManualResetEventSlim _wake = new(false);
        private readonly BlockingCollection<(SeccompViolation Report, bool Fatal)>? _queue;
        private readonly Dictionary<int, uint> _verdicts = new();          // slot -> verdict last seen, for summaries
        private readonly Dictionary<int, long> _summarized = new();        // slot -> count covered so far
        private readonly Dictionary<int, List<ulong[]>> _written = new();  // slot -> argument lists already on stderr
        private long _callbackDropped;
        private int _callbackFailed;

        private ViolationReporter(InProcessSupervisor supervisor, SeccompOptions options, PolicyDocument? declaration, bool readProc)
        {
            _supervisor = supervisor;
            _callback = options.OnViolation;
            _interval = options.ViolationSummaryInterval < TimeSpan.FromMilliseconds(100) ? TimeSpan.FromMilliseconds(100) : options.ViolationSummaryInterval;
            _readProc = readProc;
            _rules = new RuleFinder(declaration);
            if (_callback != null) _queue = new BlockingCollection<(SeccompViolation, bool)>(CallbackQueue);
        }

        /// <param name="supervisor">The supervisor whose ring and counts are read.</param>
        /// <param name="options">The callback and the summary interval.</param>
        /// <param name="declaration">The policy as declared, to name deciding rules (null: not known).</param>
        /// <param name="readProc">Whether the policy lets the reporter read /proc (thread names): in complain mode every call
        /// runs; enforcing, a denied open would only be reported, or end the process, for nothing.</param>
        public static ViolationReporter Start(InProcessSupervisor supervisor, SeccompOptions options, PolicyDocument? declaration, bool readProc)
        {
            var r = new ViolationReporter(supervisor, options, declaration, readProc);
            new Thread(r.Drain) { IsBackground = true, Name = "Seccomp reports" }.Start();
            if (r._queue != null) new Thread(r.Deliver) { IsBackground = true, Name = "Seccomp callback" }.Start();
            return r;
        }

        private void Drain()
        {
            var nextSummary = DateTime.UtcNow + _interval;
            while (true)
            {
                _wake.Wait(20);
                while (_supervisor.Ring.TryRead(out var record))
                {
                    try { Handle(in record); }
                    catch (Exception ex)
                    {
                        WriteStderr($"seccomp: a report could not be made: {ex.GetType().Name}: {ex.Message}");
                        if (record.Fatal) Volatile.Write(ref _supervisor.FatalReported, 1); // nothing more will come of it
                    }
                }
                if (DateTime.UtcNow >= nextSummary)
                {
                    nextSummary = DateTime.UtcNow + _interval;
                    try { Summarize(); }
                    catch (Exception ex) { WriteStderr($"seccomp: a summary could not be made: {ex.GetType().Name}: {ex.Message}"); }
                }
            }
        }

        private void Handle(in ViolationRecord record)
        {
            var verdict = SeccompVerdict.FromKernel(record.Verdict);
            int slot = Slot(record.Nr, verdict.Action);
            if (slot >= 0) _verdicts[slot] = record.Verdict;
            var args = new[] { record.A0, record.A1, record.A2, record.A3, record.A4, record.A5 };
            var report = Detailed(record, verdict, args);
            if (record.Fatal)
            {
                // Written here first, whatever the callback does: the process ends right after, and an asynchronous
                // logger behind the callback may never get to write.
                WriteStderr(report.ToString());
                // Done once written, unless the callback is to have it too (Deliver says when it has).
                if (_queue == null || !_queue.TryAdd((report, true))) Volatile.Write(ref _supervisor.FatalReported, 1);
                return;
            }
            if (_queue != null)
            {
                if (!_queue.TryAdd((report, false))) Interlocked.Increment(ref _callbackDropped);
                return;
            }
            // Standard error: a repeated call with the same arguments is not written again (its count comes in summaries).
            if (slot >= 0)
            {
                if (!_written.TryGetValue(slot, out var seen)) _written[slot] = seen = new List<ulong[]>();
                foreach (var s in seen)
                    if (((ReadOnlySpan<ulong>)s).SequenceEqual(args)) return;
                seen.Add(args);
            }
            WriteStderr(report.ToString());
        }

        private SeccompViolation Detailed(in ViolationRecord record, SeccompVerdict verdict, ulong[] args)
        {
            string name = _supervisor.Arch.TryGetName(record.Nr, out var n) ? n : "syscall_" + record.Nr;
            int pid = _processId;
            string thread = "";
            if (_readProc || _supervisor.Complain)
            {
                string dir = record.OtherProcess ? $"/proc/{record.ThreadId}" : $"/proc/self/task/{record.ThreadId}";
                thread = ReadLine(dir + "/comm") ?? "";
                if (record.OtherProcess) pid = TgidOf(record.ThreadId) ?? record.ThreadId;
            }
            return new SeccompViolation
            {
                Policy = _supervisor.Policy,
                Architecture = _supervisor.Arch.Arch,
                Syscall = name,
                SyscallNumber = record.Nr,
                Arguments = args,
                DecodedArguments = Decode(name, args),
                Action = verdict,
                CallRan = _supervisor.Complain,
                Rule = _rules.Find(name, verdict),
                ProcessId = pid,
                ThreadId = record.ThreadId,
                ThreadName = thread,
                Count = record.Count,
                EndsProcess = record.Fatal,
                Timestamp = DateTimeOffset.UtcNow,
            };
        }

        /// <summary>The call with its arguments named as a condition names them; the registers alone should that fail.</summary>
        private string Decode(string name, ulong[] args)
        {
            try
            {
                return ArgumentNames.Call(_supervisor.Arch, name, args);
            }
            catch (Exception)
            {
                // A report must be made whatever the tables hold: the hexadecimal arguments are in the report anyway.
                return name + "(" + string.Join(", ", Array.ConvertAll(args, a => "0x" + a.ToString("x", CultureInfo.InvariantCulture))) + ")";
            }
        }

        private void Summarize()
        {
            for (int nr = 0; nr < 1024; nr++)
                for (int a = 0; a < 8; a++)
                {
                    var action = (SeccompAction)a;
                    long total = _supervisor.Count(nr, action);
                    if (total <= SeccompViolation.DetailedPerCall) continue;
                    int slot = Slot(nr, action);
                    long covered = _summarized.TryGetValue(slot, out var c) ? c : SeccompViolation.DetailedPerCall;
                    if (total <= covered) continue;
                    _summarized[slot] = total;
                    var verdict = _verdicts.TryGetValue(slot, out var v) ? SeccompVerdict.FromKernel(v) : new SeccompVerdict(action);
                    var summary = new SeccompViolation
                    {
                        Policy = _supervisor.Policy,
                        Architecture = _supervisor.Arch.Arch,
                        Syscall = _supervisor.Arch.TryGetName(nr, out var name) ? name : "syscall_" + nr,
                        SyscallNumber = nr,
                        Action = verdict,
                        CallRan = _supervisor.Complain,
                        Rule = _rules.Find(name ?? "", verdict),
                        ProcessId = _processId,
                        Count = total - covered,
                        IsSummary = true,
                        SummaryInterval = _interval,
                        Timestamp = DateTimeOffset.UtcNow,
                    };
                    if (_queue != null) { if (!_queue.TryAdd((summary, false))) Interlocked.Increment(ref _callbackDropped); }
                    else WriteStderr(summary.ToString());
                }
            long dropped = Interlocked.Exchange(ref _callbackDropped, 0);
            if (dropped > 0)
                WriteStderr($"seccomp: {dropped} reports were not handed to the OnViolation callback: it is slower than the denials (the counts include them)");
        }

        private void Deliver()
        {
            foreach (var (report, fatal) in _queue!.GetConsumingEnumerable())
            {
                try
                {
                    _callback!(report);
                }
                catch (Exception ex)
                {
                    if (Interlocked.Exchange(ref _callbackFailed, 1) == 0)
                        WriteStderr($"seccomp: the OnViolation callback threw {ex.GetType().Name}: {ex.Message}; later reports are still handed to it");
                }
                if (fatal) Volatile.Write(ref _supervisor.FatalReported, 1);
            }
        }

        private static int Slot(int nr, SeccompAction action) => (uint)nr < 1024 ? nr * 8 + (int)action : -1;

        private static string? ReadLine(string path)
        {
            try { return File.ReadAllText(path).TrimEnd('\n'); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        }

        private static int? TgidOf(int tid)
        {
            try
            {
                foreach (var line in File.ReadLines($"/proc/{tid}/status"))
                    if (line.StartsWith("Tgid:", StringComparison.Ordinal) && int.TryParse(line.AsSpan(5).Trim(), out int tgid)) return tgid;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            return null;
        }

        /// <summary>One line to fd 2 with write(2) itself: no Console lock that a hung writer elsewhere could hold.</summary>
        internal static unsafe void WriteStderr(string line)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(line + "\n");
            fixed (byte* p = bytes)
            {
                int done = 0;
                while (done < bytes.Length)
                {
                    nint n = SupervisorNative.Write(2, p + done, bytes.Length - done);
                    if (n <= 0) return; // stderr closed or denied: nothing else can be done for it
                    done += (int)n;
                }
            }
        }
    }
}
