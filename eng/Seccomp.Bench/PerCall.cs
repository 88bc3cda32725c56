using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Seccomp;
using Seccomp.Compiler;
using Seccomp.Tests.Oracles;
using Seccomp.Tests.Policies;
using Seccomp.Tests.Support;

/// <summary>
/// Per-call cost of Docker's default profile on the real kernel: `Seccomp.Bench percall [ROUNDS]`.
/// Two child processes per configuration (filters stack and cannot be removed), all alive at once and pinned to the
/// same CPU; the parent asks them for one batch each in turn, in a rotating order, ROUNDS times, so that whatever the
/// machine does meanwhile falls on every configuration alike. A batch times Iterations x 10 calls of a fixed mix of calls
/// the profile allows whatever their arguments (the median of 20 chunks). Configurations: no filter; the filter alone (ours, libseccomp -O1,
/// libseccomp -O2: each call served by the kernel's action cache); and the same three after a two-instruction filter
/// that loads an argument (`ld [args[0]]; ret ALLOW`), which the kernel cannot cache, so every call runs every filter.
/// </summary>
internal static unsafe class PerCall
{
    private const int Iterations = 20_000;
    private static readonly string[] s_configs = { "none", "defeat", "ours", "O1", "O2", "defeat+ours", "defeat+O1", "defeat+O2" };

    public static int Run(string[] args)
    {
        if (args.Length == 2 && args[0] == "percall-child") return Child(args[1]);
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 31;
        int cpu = Environment.ProcessorCount - 1;

        // Two processes per configuration: how far two processes with the same filter differ (memory placement,
        // caches) is the machine's noise floor, beside the spread from round to round.
        var procs = s_configs.SelectMany(c => new[] { c + "#0", c + "#1" }).ToArray();
        var children = new Dictionary<string, Process>();
        foreach (var pc in procs)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = false };
            psi.ArgumentList.Add(typeof(PerCall).Assembly.Location);
            psi.ArgumentList.Add("percall-child");
            psi.ArgumentList.Add(pc.Split('#')[0]);
            psi.Environment["SECCOMP_BENCH_CPU"] = cpu.ToString(CultureInfo.InvariantCulture);
            var p = Process.Start(psi)!;
            string? ready = p.StandardOutput.ReadLine();
            if (ready != "ready") { Console.Error.WriteLine($"{pc}: child failed: {ready}"); return 1; }
            children[pc] = p;
        }
        double Batch(string pc)
        {
            children[pc].StandardInput.WriteLine("go");
            children[pc].StandardInput.Flush();
            return double.Parse(children[pc].StandardOutput.ReadLine()!, CultureInfo.InvariantCulture);
        }
        foreach (var pc in procs) { Batch(pc); Batch(pc); } // warm-up: tiered JIT, caches

        var samples = procs.ToDictionary(pc => pc, _ => new List<double>());
        for (int r = 0; r < rounds; r++)
            for (int i = 0; i < procs.Length; i++)
            {
                string pc = procs[(i + r) % procs.Length];
                samples[pc].Add(Batch(pc));
            }
        foreach (var p in children.Values) { p.StandardInput.Close(); p.WaitForExit(); }

        static double Quantile(IEnumerable<double> xs, double q)
        {
            var s = xs.OrderBy(x => x).ToArray();
            double pos = q * (s.Length - 1);
            int lo = (int)Math.Floor(pos), hi = (int)Math.Ceiling(pos);
            return s[lo] + (s[hi] - s[lo]) * (pos - lo);
        }
        // A configuration's figure in round r: the mean of its two processes' batches.
        var perRound = s_configs.ToDictionary(c => c, c => samples[c + "#0"].Zip(samples[c + "#1"], (x, y) => (x + y) / 2).ToList());
        var median = s_configs.ToDictionary(c => c, c => Quantile(perRound[c], 0.5));
        var iqr = s_configs.ToDictionary(c => c, c => Quantile(perRound[c], 0.75) - Quantile(perRound[c], 0.25));
        var between = s_configs.ToDictionary(c => c, c => Math.Abs(Quantile(samples[c + "#0"], 0.5) - Quantile(samples[c + "#1"], 0.5)));
        // The floor for comparing filters: the largest between-process difference among the filters compared; against
        // a baseline (no filter, the 2-instruction filter alone) the baseline's own is included.
        double floor = new[] { "ours", "O1", "O2", "defeat+ours", "defeat+O1", "defeat+O2" }.Max(c => between[c]);

        var info = ArchInfo.Get(CoreArch.X86_64);
        var programs = Programs();
        double Executed(string key)
        {
            var program = new SeccompProgram(Seccomp.SeccompArch.X86_64, programs[key]);
            return s_mix.Average(m => { program.Run(new SeccompData(m.Nr, info.AuditArch, 0, new ulong[6]), out int n); return n; });
        }
        Console.WriteLine($"Per-call cost, Docker's default profile (x86_64), {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores;"
            + $" every child pinned to CPU {cpu}, two processes per configuration; {rounds} interleaved rounds of {Iterations} x {s_mix.Length} calls"
            + $" ({string.Join(", ", s_mix.Select(m => m.Name))}); ns per call.");
        Console.WriteLine($"Programs: ours {programs["ours"].Length / 8} instructions, {Executed("ours"):F1} executed per call of the mix;"
            + $" libseccomp -O1 {programs["O1"].Length / 8}, {Executed("O1"):F1}; -O2 {programs["O2"].Length / 8}, {Executed("O2"):F1}.");
        Console.WriteLine();
        Console.WriteLine("| filter | action cache | median ns/call | IQR over rounds | between its 2 processes | filter cost (minus baseline) | / ours |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        string Label(string c) => c switch
        {
            "none" => "no filter",
            "defeat" => "`ld [args[0]]; ret ALLOW` only",
            "ours" or "defeat+ours" => "Seccomp.Generators",
            "O1" or "defeat+O1" => "libseccomp 2.5.4 -O1 (default)",
            _ => "libseccomp 2.5.4 -O2 (binary tree)",
        };
        static bool Defeated(string c) => c.StartsWith("defeat", StringComparison.Ordinal);
        foreach (var c in s_configs)
        {
            string cache = c == "none" ? "-" : Defeated(c) ? "defeated" : "used";
            string baseline = c.StartsWith("defeat+", StringComparison.Ordinal) ? "defeat" : "none";
            double cost = median[c] - median[baseline];
            string ratio = "";
            if (c is "O1" or "O2" or "defeat+O1" or "defeat+O2")
            {
                double oursCost = median[Defeated(c) ? "defeat+ours" : "ours"] - median[baseline];
                ratio = oursCost > 0 && cost > 0 ? $"{cost / oursCost:F2}x" : "n/a";
            }
            string costText = c == "none" ? "" : c == "defeat" ? $"{cost:F1} (minus no filter)" : $"{cost:F1}";
            Console.WriteLine($"| {Label(c)} | {cache} | {median[c]:F1} | {iqr[c]:F1} | {between[c]:F1} | {costText} | {ratio} |");
        }
        Console.WriteLine();
        Console.WriteLine($"Noise: two processes with the same filter differ by up to {floor:F1} ns/call (median to median, among the filters compared;"
            + $" up to {between.Values.Max():F1} with the baselines); one configuration's"
            + $" figure varies by up to {iqr.Values.Max():F1} ns/call (interquartile range) from round to round. A difference between two"
            + " configurations is within the machine's noise when it is no larger than the first (or than either's own between-process"
            + " difference), or when its own interquartile range over"
            + " the rounds (they are interleaved, so compared round by round) includes 0.");
        Console.WriteLine();
        Console.WriteLine("| comparison | action cache | difference ns/call (median) | IQR of the difference | |");
        Console.WriteLine("| --- | --- | ---: | --- | --- |");
        foreach (var (a, b) in new[] { ("ours", "O1"), ("ours", "O2"), ("defeat+ours", "defeat+O1"), ("defeat+ours", "defeat+O2"), ("none", "ours"), ("defeat", "defeat+ours") })
        {
            var d = perRound[a].Zip(perRound[b], (x, y) => y - x).ToList();
            double q1 = Quantile(d, 0.25), q3 = Quantile(d, 0.75), med = Quantile(d, 0.5);
            bool within = (q1 <= 0 && q3 >= 0) || Math.Abs(med) <= Math.Max(floor, Math.Max(between[a], between[b]));
            string what = a is "none" or "defeat" ? $"{Label(b)} - {(a == "none" ? "no filter" : "the 2-instruction filter alone")}" : $"{Label(b)} - {Label(a)}";
            Console.WriteLine($"| {what} | {(Defeated(b) ? "defeated" : "used")} | {med:F1} | {q1:F1} .. {q3:F1} | {(within ? "within noise" : "beyond noise")} |");
        }
        return 0;
    }

    private static Dictionary<string, byte[]> Programs()
    {
        var info = ArchInfo.Get(CoreArch.X86_64);
        var model = AttributeModel.FromType(typeof(DockerDefaultPolicy));
        byte[] Lib(int o) => LibSeccomp.Compile(info.AuditArch, model.DefaultAction.ToKernel(), AttributeModel.ToLibSeccomp(model, CoreArch.X86_64)!,
            model.BadArchAction.ToKernel(), AttributeModel.ExtraSyscalls(CoreArch.X86_64), o);
        return new Dictionary<string, byte[]>
        {
            ["ours"] = DockerDefaultPolicy.GetProgram(Seccomp.SeccompArch.X86_64).ToBytes(),
            ["O1"] = Lib(1),
            ["O2"] = Lib(2),
            // ld [args[0]] (low word, offset 16); ret ALLOW
            ["defeat"] = new byte[] { 0x20, 0, 0, 0, 16, 0, 0, 0, 0x06, 0, 0, 0, 0x00, 0x00, 0xFF, 0x7F },
        };
    }

    private readonly record struct Call(string Name, long Nr, long A0, long A1, long A2, long A3, long A4, long A5);

    /// <summary>The calls timed, one of each per iteration (names and x86_64 numbers; the child fills in the arguments).</summary>
    private static readonly (string Name, int Nr)[] s_mix =
    {
        ("sched_yield", 24), ("recvfrom", 45), ("epoll_wait", 232), ("sendto", 44), ("futex", 202),
        ("read", 0), ("write", 1), ("fcntl", 72), ("getppid", 110), ("getuid", 102),
    };

    private static int Child(string config)
    {
        int cpu = int.Parse(Environment.GetEnvironmentVariable("SECCOMP_BENCH_CPU") ?? "0", CultureInfo.InvariantCulture);
        ulong mask = 1UL << cpu;
        if (sched_setaffinity(0, (IntPtr)sizeof(ulong), &mask) != 0) { Console.WriteLine("sched_setaffinity failed"); return 2; }

        // The mix: the service's hot calls with harmless arguments, and cheap ones. All allowed by the profile
        // whatever their arguments, so with the action cache none of them runs a filter.
        long devZero = open("/dev/zero", 0), devNull = open("/dev/null", 1);
        long udp = socket(2 /* AF_INET */, 2 /* SOCK_DGRAM */, 0);
        long epfd = epoll_create1(0);
        long word = (long)NativeMemory.AllocZeroed(64);
        long buf = (long)NativeMemory.AllocZeroed(64);
        long events = (long)NativeMemory.AllocZeroed(64);
        if (devZero < 0 || devNull < 0 || udp < 0 || epfd < 0) { Console.WriteLine("set-up failed"); return 2; }
        var calls = new[]
        {
            new Call("sched_yield", 24, 0, 0, 0, 0, 0, 0),
            new Call("recvfrom", 45, udp, buf, 16, 0x40 /* MSG_DONTWAIT: EAGAIN */, 0, 0),
            new Call("epoll_wait", 232, epfd, events, 1, 0 /* no wait */, 0, 0),
            new Call("sendto", 44, udp, buf, 0, 0x40, 0, 0 /* no address: EDESTADDRREQ */),
            new Call("futex", 202, word, 1 | 128 /* FUTEX_WAKE_PRIVATE */, 1, 0, 0, 0),
            new Call("read", 0, devZero, buf, 0, 0, 0, 0),
            new Call("write", 1, devNull, buf, 0, 0, 0, 0),
            new Call("fcntl", 72, devNull, 3 /* F_GETFL */, 0, 0, 0, 0),
            new Call("getppid", 110, 0, 0, 0, 0, 0, 0),
            new Call("getuid", 102, 0, 0, 0, 0, 0, 0),
        };

        var programs = Programs();
        if (config != "none")
        {
            if (prctl(38 /* PR_SET_NO_NEW_PRIVS */, 1, 0, 0, 0) != 0) { Console.WriteLine("prctl failed"); return 2; }
            foreach (var part in config.Split('+'))
            {
                string key = part;
                fixed (byte* p = programs[key])
                {
                    var prog = new Fprog { Len = (ushort)(programs[key].Length / 8), Filter = p };
                    if (seccomp(317, 1 /* SET_MODE_FILTER */, 0, &prog) != 0) { Console.WriteLine($"seccomp({key}) failed"); return 2; }
                }
            }
        }
        Console.WriteLine("ready");
        if (!calls.Select(c => (c.Name, (int)c.Nr)).SequenceEqual(s_mix)) { Console.WriteLine("mix mismatch"); return 2; }
        // A batch is Chunks timings of Iterations / Chunks iterations; it reports the median chunk, so an interrupt or
        // another process's time slice on the CPU moves one chunk, not the batch.
        const int Chunks = 20;
        var chunk = new double[Chunks];
        while (Console.ReadLine() == "go")
        {
            for (int k = 0; k < Chunks; k++)
            {
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < Iterations / Chunks; i++)
                    foreach (var c in calls)
                        raw(c.Nr, c.A0, c.A1, c.A2, c.A3, c.A4, c.A5);
                long end = Stopwatch.GetTimestamp();
                chunk[k] = (end - start) * 1e9 / Stopwatch.Frequency / (Iterations / Chunks * (double)calls.Length);
            }
            Array.Sort(chunk);
            Console.WriteLine(((chunk[Chunks / 2 - 1] + chunk[Chunks / 2]) / 2).ToString("F3", CultureInfo.InvariantCulture));
        }
        return 0;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Fprog { public ushort Len; public void* Filter; }

    [DllImport("libc", EntryPoint = "syscall"), SuppressGCTransition]
    private static extern long raw(long nr, long a0, long a1, long a2, long a3, long a4, long a5);

    [DllImport("libc", EntryPoint = "syscall")]
    private static extern long seccomp(long nr, long op, long flags, void* args);

    [DllImport("libc")] private static extern int sched_setaffinity(int pid, IntPtr size, ulong* mask);
    [DllImport("libc")] private static extern int prctl(int option, ulong a2, ulong a3, ulong a4, ulong a5);
    [DllImport("libc")] private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
    [DllImport("libc")] private static extern int socket(int domain, int type, int protocol);
    [DllImport("libc")] private static extern int epoll_create1(int flags);
}
