using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Seccomp;
using Seccomp.TestChild;
using Seccomp.TestChild.Policies;

/// <summary>In-process reports (docs/reports.md): each scenario acts, then prints what it saw; the tests judge.</summary>
internal static partial class Scenarios
{
    internal static int? ReportScenario(string name, string[] rest) => name switch
    {
        "report-complain" => ReportComplain(callback: rest.Length == 0 || rest[0] != "stderr"),
        "report-kill" => ReportKill(hangingCallback: rest.Length > 0 && rest[0] == "hung-callback"),
        "report-errno" => ReportErrno(),
        "report-throwing-callback" => ReportThrowingCallback(),
        "report-deny-everything" => ReportDenyEverything(),
        "report-flood" => ReportFlood(int.Parse(rest[0]), int.Parse(rest[1])),
        "report-fallback" => ReportFallback(),
        "report-second-listener" => ReportSecondListener(),
        "report-bench" => ReportBench(rest[0], rest.Length > 1 ? int.Parse(rest[1]) : 1_000_000),
        _ => null,
    };

    private static int ReportComplain(bool callback)
    {
        var seen = new ConcurrentQueue<SeccompViolation>();
        Report("pid", Environment.ProcessId);
        var options = new SeccompOptions { Complain = true };
        if (callback) options.OnViolation = seen.Enqueue;
        KillProcessPolicy.Apply(options);
        ReportStatus();
        int tid = Native.Gettid();
        long result = 0;
        for (int i = 0; i < 3; i++) result = Native.Call(Getppid()).Result;
        Report("ppid_matches", result == ParentPid());
        Report("caller_tid", tid);
        if (!callback)
        {
            Thread.Sleep(300); // the reporter drains every 20 ms
            return 0;
        }
        var until = DateTime.UtcNow.AddSeconds(5);
        while (seen.Count < 3 && DateTime.UtcNow < until) Thread.Sleep(20);
        Report("reports", seen.Count);
        if (seen.TryPeek(out var v))
        {
            Report("syscall", v.Syscall);
            Report("call_ran", v.CallRan);
            Report("action", v.ActionText);
            Report("rule", v.Rule);
            Report("tid", v.ThreadId);
            Report("violation_pid", v.ProcessId);
            Report("thread", v.ThreadName);
            Report("count", v.Count);
            Report("line", v.ToString());
        }
        Report("counts", string.Join(",", seen.Select(x => x.Count)));
        return 0;
    }

    private static int ReportKill(bool hangingCallback)
    {
        var options = new SeccompOptions { ReportViolations = true, ViolationReportTimeout = TimeSpan.FromSeconds(1) };
        if (hangingCallback) options.OnViolation = _ => Thread.Sleep(Timeout.Infinite);
        KillProcessPolicy.Apply(options);
        Report("before_call", true);
        Console.Out.Flush();
        Native.Call(Getppid());
        Report("survived", true);
        return 0;
    }

    private static int ReportErrno()
    {
        var seen = new ConcurrentQueue<SeccompViolation>();
        ErrnoPolicy.Apply(new SeccompOptions { ReportViolations = true, OnViolation = seen.Enqueue });
        var r = Native.Call(Getppid());
        Report("result", r.Result);
        Report("errno", r.Errno);
        var until = DateTime.UtcNow.AddSeconds(5);
        while (seen.IsEmpty && DateTime.UtcNow < until) Thread.Sleep(20);
        if (seen.TryPeek(out var v))
        {
            Report("syscall", v.Syscall);
            Report("action", v.ActionText);
            Report("call_ran", v.CallRan);
            Report("rule", v.Rule);
        }
        return 0;
    }

    /// <summary>A callback that throws on every report: every denied call is still answered, and stderr says so once.</summary>
    private static int ReportThrowingCallback()
    {
        int calls = 0;
        ErrnoPolicy.Apply(new SeccompOptions
        {
            ReportViolations = true,
            ViolationSummaryInterval = TimeSpan.FromMilliseconds(200),
            OnViolation = _ => { Interlocked.Increment(ref calls); throw new InvalidOperationException("sink down"); },
        });
        int answered = 0;
        for (int i = 0; i < 100; i++)
            if (Native.Call(Getppid()) is { Result: -1, Errno: 15 }) answered++;
        Thread.Sleep(600); // a summary interval or two
        Report("answered", answered);
        Report("callback_calls", Volatile.Read(ref calls));
        return 0;
    }

    /// <summary>
    /// A policy that allows nothing, in complain mode: the runtime goes on working (files, threads, collections, the
    /// thread pool) while every one of its calls goes through the supervisor, whose own calls the program lets through.
    /// </summary>
    private static int ReportDenyEverything()
    {
        var names = new ConcurrentDictionary<string, long>();
        var decoded = new ConcurrentDictionary<string, string>();
        DenyEverythingPolicy.Apply(new SeccompOptions
        {
            Complain = true,
            OnViolation = v =>
            {
                names.AddOrUpdate(v.Syscall, v.Count, (_, c) => c + (v.IsSummary ? v.Count : 1));
                if (!v.IsSummary) decoded.TryAdd(v.Syscall, v.DecodedArguments);
            },
        });
        string text = File.ReadAllText("/proc/self/status");
        var t = new Thread(() => Thread.Sleep(10)) { Name = "child-thread" };
        t.Start();
        t.Join();
        long sum = 0;
        Parallel.For(0, 64, i => { var a = new byte[1 << 20]; a[i] = 1; Interlocked.Add(ref sum, a[i]); });
        for (int i = 0; i < 3; i++) GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        Task.Run(() => Thread.Sleep(5)).Wait();
        // Calls of no group: these the supervisor reports (the runtime's own the kernel logs).
        Native.Call(Native.Number("getpgid"));
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Broadcast, true);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        }
        var until = DateTime.UtcNow.AddSeconds(5);
        while (!(names.ContainsKey("getpgid") && names.ContainsKey("bind") && names.ContainsKey("setsockopt")) && DateTime.UtcNow < until) Thread.Sleep(20);
        Report("status_read", text.Contains("Seccomp:"));
        Report("sum", sum);
        Report("distinct", names.Count);
        Report("names", string.Join(",", names.Keys.OrderBy(n => n)));
        Report("decoded_socket", decoded.TryGetValue("socket", out var d1) ? d1 : "");
        Report("decoded_setsockopt", decoded.TryGetValue("setsockopt", out var d2) ? d2 : "");
        return 0;
    }

    /// <summary>
    /// <paramref name="threads"/> threads make denied calls (getpgid, EPERM) as fast as they can for
    /// <paramref name="seconds"/> s, while a loopback TCP echo answers a client every 50 ms and memory is sampled.
    /// </summary>
    private static int ReportFlood(int seconds, int threads)
    {
        long reports = 0, summaries = 0, summarized = 0;
        var names = new ConcurrentDictionary<string, bool>();
        ReportingPolicy.Apply(new SeccompOptions
        {
            ReportViolations = true,
            ViolationSummaryInterval = TimeSpan.FromSeconds(1),
            OnViolation = v =>
            {
                Interlocked.Increment(ref reports);
                names[v.Syscall] = true;
                if (v.IsSummary) { Interlocked.Increment(ref summaries); Interlocked.Add(ref summarized, v.Count); }
            },
        });
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var stop = new CancellationTokenSource();
        _ = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var c = await listener.AcceptTcpClientAsync();
                var s = c.GetStream();
                int b = s.ReadByte();
                s.WriteByte((byte)(b + 1));
            }
        });
        long denials = 0, wrong = 0;
        var floods = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            int nr = Native.Number("getpgid"); // in no group: the policy's default answers it, EPERM
            long mine = 0, bad = 0;
            while (!stop.IsCancellationRequested)
            {
                var r = Native.Call(nr);
                if (r.Result != -1 || r.Errno != 1) bad++;
                mine++;
            }
            Interlocked.Add(ref denials, mine);
            Interlocked.Add(ref wrong, bad);
        }) { IsBackground = true }).ToList();
        long rssStart = Rss();
        var sw = Stopwatch.StartNew();
        floods.ForEach(f => f.Start());
        int echoOk = 0, echoFailed = 0;
        double echoMax = 0;
        long rssMax = rssStart;
        while (sw.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            var one = Stopwatch.StartNew();
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                var s = client.GetStream();
                s.WriteByte(41);
                if (s.ReadByte() == 42) echoOk++; else echoFailed++;
            }
            catch (Exception) { echoFailed++; }
            echoMax = Math.Max(echoMax, one.Elapsed.TotalMilliseconds);
            rssMax = Math.Max(rssMax, Rss());
            Thread.Sleep(50);
        }
        stop.Cancel();
        floods.ForEach(f => f.Join());
        double elapsed = sw.Elapsed.TotalSeconds;
        Thread.Sleep(1500); // one more summary
        Report("denials", denials);
        Report("wrong_answers", wrong);
        Report("per_second", (long)(denials / elapsed));
        Report("echo_ok", echoOk);
        Report("echo_failed", echoFailed);
        Report("echo_max_ms", (long)echoMax);
        Report("rss_start_kb", rssStart);
        Report("rss_max_kb", rssMax);
        Report("reports", Interlocked.Read(ref reports));
        Report("summaries", Interlocked.Read(ref summaries));
        Report("summarized", Interlocked.Read(ref summarized));
        Report("names", string.Join(",", names.Keys.OrderBy(n => n)));
        return 0;
    }

    private static long Rss()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        return -1;
    }

    /// <summary>A kernel without USER_NOTIF, acted out by the probe: complain mode falls back to LOG, and says so.</summary>
    private static int ReportFallback()
    {
        Report("pid", Environment.ProcessId);
        var fallbacks = new List<SeccompFallback>();
        var probe = new FakeProbe();
        probe.MissingActions.Add(SeccompAction.Notify);
        KillProcessPolicy.Apply(new SeccompOptions { Complain = true, Probe = probe, OnFallback = fallbacks.Add, OnViolation = _ => Report("reported", true) });
        var r = Native.Call(Getppid());
        Report("ppid_matches", r.Result == ParentPid());
        Report("fallback", string.Join(" | ", fallbacks.Select(f => f.ToString())));
        Thread.Sleep(200);
        return 0;
    }

    /// <summary>Two policies with complain mode: the kernel allows one listener per filter chain; the second logs instead.</summary>
    private static int ReportSecondListener()
    {
        var fallbacks = new List<SeccompFallback>();
        var seen = new ConcurrentQueue<SeccompViolation>();
        KillProcessPolicy.Apply(new SeccompOptions { Complain = true, OnViolation = seen.Enqueue });
        ErrnoPolicy.Apply(new SeccompOptions { Complain = true, OnFallback = fallbacks.Add });
        var r = Native.Call(Getppid());
        Report("ppid_matches", r.Result == ParentPid());
        Report("fallback", string.Join(" | ", fallbacks.Select(f => f.ToString())));
        var until = DateTime.UtcNow.AddSeconds(5);
        while (seen.IsEmpty && DateTime.UtcNow < until) Thread.Sleep(20);
        Report("reported", seen.Count);
        return 0;
    }

    /// <summary>
    /// eng/bench-reports.sh: the cost of an allowed call (getppid) and of a denied one (getpgid) under one configuration:
    /// none (no filter), plain (the policy, EPERM), report (ReportViolations: EPERM and a report), complain (the
    /// supervisor lets it run and reports it), complain-log (complain mode by LOG, as on a kernel without USER_NOTIF).
    /// </summary>
    private static int ReportBench(string mode, int iterations)
    {
        long reports = 0;
        var options = new SeccompOptions { OnViolation = _ => Interlocked.Increment(ref reports), OnWarning = _ => { } };
        switch (mode)
        {
            case "none": break;
            case "plain": ReportingPolicy.Apply(options); break;
            case "report": options.ReportViolations = true; ReportingPolicy.Apply(options); break;
            case "complain": options.Complain = true; ReportingPolicy.Apply(options); break;
            case "complain-log":
                var probe = new FakeProbe();
                probe.MissingActions.Add(SeccompAction.Notify);
                options.Complain = true;
                options.Probe = probe;
                options.OnFallback = _ => { };
                ReportingPolicy.Apply(options);
                break;
            default: Console.Error.WriteLine($"unknown mode {mode}"); return 2;
        }
        int allowed = Getppid(), denied = Native.Number("getpgid");
        for (int i = 0; i < 10_000; i++) { Native.Call(allowed); Native.Call(denied); } // warm up
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < iterations; i++) Native.Call(allowed);
        double allowedNs = sw.Elapsed.TotalMilliseconds * 1e6 / iterations;
        int deniedIterations = Math.Max(1, iterations / 10);
        sw.Restart();
        for (int i = 0; i < deniedIterations; i++) Native.Call(denied);
        double deniedNs = sw.Elapsed.TotalMilliseconds * 1e6 / deniedIterations;
        Report("mode", mode);
        Report("allowed_ns", allowedNs.ToString("F1", System.Globalization.CultureInfo.InvariantCulture));
        Report("denied_ns", deniedNs.ToString("F1", System.Globalization.CultureInfo.InvariantCulture));
        return 0;
    }
}
