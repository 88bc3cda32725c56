using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;

namespace Seccomp.TestChild;

/// <summary>
/// Differential runs against the kernel: many programs, each installed on a fresh thread of its own, each probed with
/// raw system calls. The tests write the programs and calls to a file and compare what this prints with the
/// interpreter and the reference evaluator.
/// </summary>
/// <remarks>
/// <para>Input, one item a line (numbers in hex):</para>
/// <code>
/// harmless nr nr ...        calls with these numbers are also made without a filter, on the main thread (baseline)
/// job &lt;program bytes&gt;       a program to install (struct sock_filter array)
/// call nr a0 a1 a2 a3 a4 a5 a call to make with the job's program installed
/// </code>
/// <para>
/// Output: <c>job=i r r r...</c> with r = <c>result/errno</c> or <c>K</c> when the call ended its thread
/// (SECCOMP_RET_KILL_THREAD), and <c>base=i r r r...</c> (<c>-</c> for calls that are not harmless).
/// </para>
/// <para>
/// Filters are per thread when installed without TSYNC and inherited only by threads created later; every job thread
/// is created by the unfiltered main thread, so each job sees its own program only. A killed thread does not come
/// back: its remaining calls are made on a new thread with the same program.
/// </para>
/// </remarks>
internal static unsafe class DifferentialScenarios
{
    private const int SeccompSetModeFilter = 1;
    private const int PrSetNoNewPrivs = 38;
    private const int Esrch = 3;

    private sealed class Job
    {
        public byte[] Program = Array.Empty<byte>();
        public List<ulong[]> Calls = new();
    }

    /// <summary>What a job thread shares with the main thread.</summary>
    private sealed class Worker
    {
        public int Tid;
        public int Progress;
        public bool Done;
        public int InstallErrno;
    }

    public static int Run(string[] rest)
    {
        if (rest.Length != 1)
        {
            Console.Error.WriteLine("usage: bpf-diff <input file>");
            return 2;
        }
        var (harmless, jobs) = Read(rest[0]);
        long seccompNr = Native.Number("seccomp");
        long tgkillNr = Native.Number("tgkill");
        long gettidNr = Native.Number("gettid");
        int pid = Environment.ProcessId;

        var nnp = Native.Call(Native.Number("prctl"), PrSetNoNewPrivs, 1, 0, 0, 0);
        if (nnp.Result != 0)
        {
            Console.Error.WriteLine($"PR_SET_NO_NEW_PRIVS failed: errno {nnp.Errno}");
            return 3;
        }

        var output = new StreamWriter(Console.OpenStandardOutput(), bufferSize: 1 << 20) { AutoFlush = false };
        var baseline = new List<string>();
        var results = new List<string>();
        int threads = 0, killed = 0, calls = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (int j = 0; j < jobs.Count; j++)
        {
            var job = jobs[j];
            int n = job.Calls.Count;
            var rc = new long[n];
            var errno = new int[n];
            var dead = new bool[n];

            // The baseline: the harmless calls without any filter, for programs that let them run.
            var line = new System.Text.StringBuilder("base=").Append(j);
            foreach (var c in job.Calls)
            {
                if (harmless.Contains(c[0]))
                {
                    var b = Native.Call((long)c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
                    line.Append(' ').Append(b.Result).Append('/').Append(b.Errno);
                }
                else line.Append(" -");
            }
            baseline.Add(line.ToString());

            // The program and its struct sock_fprog, in memory that does not move.
            byte* filter = (byte*)NativeMemory.Alloc((nuint)job.Program.Length);
            job.Program.CopyTo(new Span<byte>(filter, job.Program.Length));
            byte* fprog = (byte*)NativeMemory.AllocZeroed(16);
            *(ushort*)fprog = (ushort)(job.Program.Length / 8);
            *(byte**)(fprog + 8) = filter;

            int start = 0;
            while (start < n)
            {
                var w = new Worker { Progress = start };
                int from = start;
                var t = new Thread(() =>
                {
                    Volatile.Write(ref w.Tid, (int)Native.Call(gettidNr).Result);
                    var r = Native.Call(seccompNr, SeccompSetModeFilter, 0, (ulong)fprog);
                    if (r.Result != 0)
                    {
                        w.InstallErrno = r.Errno;
                        Volatile.Write(ref w.Done, true);
                        return;
                    }
                    for (int i = from; i < n; i++)
                    {
                        Volatile.Write(ref w.Progress, i);
                        var c = job.Calls[i];
                        var res = Native.Call((long)c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
                        rc[i] = res.Result;
                        errno[i] = res.Errno;
                    }
                    Volatile.Write(ref w.Progress, n);
                    Volatile.Write(ref w.Done, true);
                }, maxStackSize: 256 * 1024) { IsBackground = true, Name = "job" };
                threads++;
                t.Start();

                bool gone = false;
                var deadline = DateTime.UtcNow.AddSeconds(10);
                for (int spin = 0; !Volatile.Read(ref w.Done); spin++)
                {
                    if (spin > 20)
                    {
                        int tid = Volatile.Read(ref w.Tid);
                        if (tid != 0 && Native.Call(tgkillNr, (ulong)pid, (ulong)tid, 0).Errno == Esrch)
                        {
                            gone = !Volatile.Read(ref w.Done);
                            break;
                        }
                        if (DateTime.UtcNow > deadline)
                        {
                            Console.Error.WriteLine($"job {j}: the thread neither finished nor ended");
                            output.Flush();
                            Native.Call(Native.Number("exit_group"), 4);
                        }
                    }
                    if (spin > 50) Thread.Sleep(0); else Thread.SpinWait(20);
                }
                if (w.InstallErrno != 0)
                {
                    Console.Error.WriteLine($"job {j}: seccomp(SECCOMP_SET_MODE_FILTER) failed with errno {w.InstallErrno}");
                    output.Flush();
                    Native.Call(Native.Number("exit_group"), 5);
                }
                if (gone)
                {
                    int at = Volatile.Read(ref w.Progress);
                    dead[at] = true;
                    killed++;
                    start = at + 1;
                }
                else
                {
                    t.Join();
                    start = n;
                }
            }
            calls += n;

            line = new System.Text.StringBuilder("job=").Append(j);
            for (int i = 0; i < n; i++)
            {
                if (dead[i]) line.Append(" K");
                else line.Append(' ').Append(rc[i]).Append('/').Append(errno[i]);
            }
            results.Add(line.ToString());
        }
        watch.Stop();

        foreach (var l in baseline) output.WriteLine(l);
        foreach (var l in results) output.WriteLine(l);
        output.WriteLine($"jobs={jobs.Count}");
        output.WriteLine($"calls={calls}");
        output.WriteLine($"threads={threads}");
        output.WriteLine($"killed={killed}");
        output.WriteLine($"kernel_ms={watch.ElapsedMilliseconds}");
        output.WriteLine("end=true");
        output.Flush();
        // Killed threads still count as running for the runtime: leave without waiting for them.
        Native.Call(Native.Number("exit_group"), 0);
        return 0;
    }

    /// <summary>
    /// Which programs the kernel's checker accepts, without installing any: one thread first fills its filter budget
    /// (MAX_INSNS_PER_PATH) with ALLOW filters, down to a one-instruction one; after that the kernel still checks a
    /// new filter (EINVAL when bpf_check_classic or seccomp_check_filter refuses it) and then refuses to attach it
    /// (ENOMEM). Input: one program a line, in hex (an empty line is the empty program). Output: <c>check=i errno</c>.
    /// </summary>
    public static int Check(string[] rest)
    {
        var programs = new List<byte[]>();
        foreach (var line in File.ReadLines(rest[0])) programs.Add(Convert.FromHexString(line.Trim()));
        long seccompNr = Native.Number("seccomp");
        if (Native.Call(Native.Number("prctl"), PrSetNoNewPrivs, 1, 0, 0, 0).Result != 0) return 3;

        static ulong Fprog(byte[] program)
        {
            byte* filter = (byte*)NativeMemory.Alloc((nuint)Math.Max(program.Length, 1));
            program.CopyTo(new Span<byte>(filter, program.Length));
            byte* fprog = (byte*)NativeMemory.AllocZeroed(16);
            *(ushort*)fprog = (ushort)(program.Length / 8);
            *(byte**)(fprog + 8) = filter;
            return (ulong)fprog;
        }
        static byte[] AllowFilter(int length)
        {
            // ld [nr] ... ret #ALLOW
            var bytes = new byte[length * 8];
            for (int i = 0; i < length - 1; i++) bytes[i * 8] = 0x20;
            bytes[(length - 1) * 8] = 0x06;
            BitConverter.TryWriteBytes(new Span<byte>(bytes, (length - 1) * 8 + 4, 4), 0x7fff0000u);
            return bytes;
        }
        var prepared = programs.Select(Fprog).ToArray();
        var errnos = new int[programs.Count];
        int filled = 0, fillErrno = 0;
        bool full = false;
        var t = new Thread(() =>
        {
            for (int size = 4096; size >= 1;)
            {
                var r = Native.Call(seccompNr, SeccompSetModeFilter, 0, Fprog(AllowFilter(size)));
                if (r.Result == 0) { filled++; continue; }
                if (r.Errno != 12) { fillErrno = r.Errno; return; }
                if (size == 1) { full = true; break; }
                size /= 2;
            }
            for (int i = 0; i < prepared.Length; i++)
            {
                var r = Native.Call(seccompNr, SeccompSetModeFilter, 0, prepared[i]);
                errnos[i] = r.Result == 0 ? 0 : r.Errno;
            }
        });
        t.Start();
        t.Join();
        Scenarios.Report("filled", filled);
        Scenarios.Report("full", full);
        Scenarios.Report("fill_errno", fillErrno);
        var output = new StreamWriter(Console.OpenStandardOutput(), bufferSize: 1 << 20);
        for (int i = 0; i < errnos.Length; i++) output.WriteLine($"check={i} {errnos[i]}");
        output.WriteLine("end=true");
        output.Flush();
        return 0;
    }

    private static (HashSet<ulong> Harmless, List<Job> Jobs) Read(string path)
    {
        var harmless = new HashSet<ulong>();
        var jobs = new List<Job>();
        foreach (var raw in File.ReadLines(path))
        {
            var parts = raw.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            switch (parts[0])
            {
                case "harmless":
                    for (int i = 1; i < parts.Length; i++) harmless.Add(Hex(parts[i]));
                    break;
                case "job":
                    jobs.Add(new Job { Program = Convert.FromHexString(parts[1]) });
                    break;
                case "call":
                    if (parts.Length != 8) throw new FormatException(raw);
                    var c = new ulong[7];
                    for (int i = 0; i < 7; i++) c[i] = Hex(parts[i + 1]);
                    jobs[^1].Calls.Add(c);
                    break;
                default:
                    throw new FormatException(raw);
            }
        }
        return (harmless, jobs);
    }

    private static ulong Hex(string s) => ulong.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
