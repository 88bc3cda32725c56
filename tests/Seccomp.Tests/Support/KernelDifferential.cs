using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Seccomp.Bpf;

namespace Seccomp.Tests.Support;

/// <summary>A program to install on a fresh thread of the child, and the raw calls to make under it.</summary>
internal sealed record KernelJob(byte[] Program, IReadOnlyList<(int Nr, ulong[] Args)> Calls);

/// <summary>What one raw call returned: (result, errno), or that it ended its thread (KILL_THREAD).</summary>
internal readonly record struct CallOutcome(long Result, int Errno, bool Killed)
{
    public static readonly CallOutcome Kill = new(0, 0, true);

    public override string ToString() => Killed ? "K" : $"{Result}/{Errno}";

    public static CallOutcome Parse(string s)
    {
        if (s == "K") return Kill;
        int slash = s.IndexOf('/');
        return new(long.Parse(s[..slash], CultureInfo.InvariantCulture), int.Parse(s[(slash + 1)..], CultureInfo.InvariantCulture), false);
    }

    /// <summary>
    /// What the kernel does for a verdict: ERRNO(e) fails the call with e (ERRNO(0) returns 0; the data is already
    /// clamped to 4095 by <see cref="SeccompVerdict.FromKernel"/>), KILL_THREAD ends the thread, ALLOW runs the call
    /// (<paramref name="baseline"/>: what it returns without a filter).
    /// </summary>
    public static CallOutcome Expected(SeccompVerdict verdict, CallOutcome? baseline) => verdict.Action switch
    {
        SeccompAction.Errno => verdict.Data == 0 ? new(0, 0, false) : new(-1, verdict.Data, false),
        SeccompAction.KillThread => Kill,
        SeccompAction.Allow => baseline ?? throw new InvalidOperationException("ALLOW for a call that is not harmless"),
        _ => throw new InvalidOperationException($"the test cannot observe {verdict}"),
    };
}

/// <summary>The child's answers: per job, each call's outcome and its unfiltered baseline (harmless calls only).</summary>
internal sealed record KernelRun(ChildResult Child, IReadOnlyList<CallOutcome[]> Results, IReadOnlyList<CallOutcome?[]> Baselines)
{
    public int Killed => int.Parse(Child["killed"], CultureInfo.InvariantCulture);
    public int Threads => int.Parse(Child["threads"], CultureInfo.InvariantCulture);
    public long KernelMilliseconds => long.Parse(Child["kernel_ms"], CultureInfo.InvariantCulture);
}

/// <summary>
/// Runs jobs in one child process (scenario <c>bpf-diff</c>): each job's program is installed on a new thread of the
/// child, created by its unfiltered main thread, and the calls are made there with raw syscall(2).
/// </summary>
internal static class KernelDifferential
{
    public static KernelRun Run(IReadOnlyList<KernelJob> jobs, IEnumerable<int> harmless)
    {
        string path = Path.Combine(Path.GetTempPath(), $"seccomp-diff-{Environment.ProcessId}-{Guid.NewGuid():N}.txt");
        try
        {
            using (var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20))
            {
                w.Write("harmless");
                foreach (int nr in harmless) w.Write(" " + ((ulong)(uint)nr).ToString("x", CultureInfo.InvariantCulture));
                w.WriteLine();
                foreach (var job in jobs)
                {
                    w.Write("job ");
                    w.WriteLine(Convert.ToHexString(job.Program));
                    foreach (var (nr, args) in job.Calls)
                    {
                        w.Write("call ");
                        w.Write(((ulong)(uint)nr).ToString("x", CultureInfo.InvariantCulture));
                        for (int i = 0; i < 6; i++)
                        {
                            w.Write(' ');
                            w.Write((i < args.Length ? args[i] : 0).ToString("x", CultureInfo.InvariantCulture));
                        }
                        w.WriteLine();
                    }
                }
            }
            var child = ChildProcess.Run("bpf-diff", path);
            Xunit.Assert.True(child.ExitCode == 0 && child.Values.ContainsKey("end"), Truncate(child.ToString()));

            var results = new CallOutcome[jobs.Count][];
            var baselines = new CallOutcome?[jobs.Count][];
            foreach (var line in child.Stdout.Split('\n'))
            {
                bool isJob = line.StartsWith("job=", StringComparison.Ordinal), isBase = line.StartsWith("base=", StringComparison.Ordinal);
                if (!isJob && !isBase) continue;
                var parts = line.TrimEnd('\r').Split(' ');
                int j = int.Parse(parts[0][(parts[0].IndexOf('=') + 1)..], CultureInfo.InvariantCulture);
                if (isJob) results[j] = parts.Skip(1).Select(CallOutcome.Parse).ToArray();
                else baselines[j] = parts.Skip(1).Select(p => p == "-" ? (CallOutcome?)null : CallOutcome.Parse(p)).ToArray();
            }
            for (int j = 0; j < jobs.Count; j++)
            {
                Xunit.Assert.True(results[j] != null && results[j].Length == jobs[j].Calls.Count, $"job {j}: no complete result");
            }
            return new KernelRun(child, results, baselines);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Truncate(string s) => s.Length > 20000 ? s[..10000] + "\n...\n" + s[^10000..] : s;

    /// <summary>The raw 32-bit value the interpreter's program returns (for statistics: clamping, kills).</summary>
    public static uint RawReturn(SeccompProgram program, in SeccompData data) =>
        BpfInterpreter.Run(program.Instructions, data, out _);
}
