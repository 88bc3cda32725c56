using System.Diagnostics;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection.Emit;
using System.Runtime;
using System.Runtime.InteropServices;
using Seccomp.RuntimeMatrix;

// Usage: Seccomp.RuntimeMatrix CASE [--enforce] [--mark]
//        Seccomp.RuntimeMatrix --evaluate ARCH [children] < calls
// One case of what the runtime does by itself; --enforce applies the case's KillProcess policy first, so a call the
// group lacks ends the run with SIGSYS (exit status 159) instead of a line that says the case passed.
// --mark stats a path no system has where the policy is applied (Apply() cannot run under qemu-user), so that a
// trace taken from outside (qemu-user's -strace, eng/measure-runtime-matrix-qemu.sh) can tell the runtime's start,
// which no Apply() in Main sees, from what a policy applied there must allow.
// --evaluate answers, for each line "NAME ARG0 ARG1 ..." (hex) of stdin, the verdict of this program's policy (the
// children case's with "children") for ARCH: how the compiler resolves the groups there, where no such machine is at
// hand to run them.
if (args.Length >= 2 && args[0] == "--evaluate")
    return Evaluation.Run(args[1], args.Length > 2 && args[2] == "children");
if (args.Length == 0 || !Cases.All.ContainsKey(args[0]))
{
    Console.Error.WriteLine("usage: Seccomp.RuntimeMatrix CASE [--enforce] [--mark] | --evaluate ARCH [children]; cases: " + string.Join(", ", Cases.All.Keys));
    return 2;
}
if (args.Contains("--enforce"))
{
    if (args[0] == "children") RuntimeAndProcess.Apply();
    else RuntimeOnly.Apply();
}
if (args.Contains("--mark")) File.Exists(Evaluation.MarkPath);
int code = Cases.All[args[0]]();
Console.Out.WriteLine("case " + args[0] + " passed");
Console.Out.Flush();
return code;

namespace Seccomp.RuntimeMatrix
{
    internal static class Cases
    {
        public static readonly Dictionary<string, Func<int>> All = new()
        {
            ["threads"] = Threads,
            ["jit"] = Jit,
            ["gc"] = Gc,
            ["globalization"] = Globalization,
            ["timezones"] = TimeZones,
            ["console"] = ConsoleIo,
            ["signals"] = Signals,
            ["children"] = Children,
            ["interrupt"] = Interrupt,
            ["terminate"] = Terminate,
            ["unhandled"] = Unhandled,
            ["failfast"] = FailFast,
            ["exit"] = ExitFromThread,
            // The cases that end normally, one after another: what each condition of the matrix (GC flavour, W^X,
            // tiering, globalization...) is run with.
            ["all"] = () => Threads() + Jit() + Gc() + Globalization() + TimeZones() + ConsoleIo(),
        };

        /// <summary>Threads started and joined; the thread pool grows under blocking work, then shrinks when idle.</summary>
        private static int Threads()
        {
            var threads = Enumerable.Range(0, 4).Select(i => new Thread(() => Thread.Sleep(20 + i)) { Name = "matrix-" + i }).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            // Blocking work items on a raised minimum make the pool start threads at once (starvation injection
            // alone adds one every half second).
            ThreadPool.GetMinThreads(out int workers, out int io);
            ThreadPool.SetMinThreads(16, io);
            var tasks = Enumerable.Range(0, 48).Select(i => Task.Run(() => Thread.Sleep(40))).ToArray();
            Task.WaitAll(tasks);
            int grown = ThreadPool.ThreadCount;
            ThreadPool.SetMinThreads(workers, io);
            // Idle workers retire after ThreadTimeoutMs (0.5 s in this project's runtimeconfig).
            Thread.Sleep(1500);
            Parallel.For(0, 200, i => { _ = new byte[1024 * (i % 7 + 1)]; });
            using var timer = new Timer(_ => { }, null, 1, 5);
            Thread.Sleep(50);
            Console.Out.WriteLine($"threads: pool grew to {grown}, now {ThreadPool.ThreadCount}");
            return 0;
        }

        /// <summary>Methods compiled at tier 0, promoted to tier 1, a loop taken over by OSR, dynamic and emitted code.</summary>
        private static int Jit()
        {
            long sum = 0;
            for (int round = 0; round < 40; round++)
            {
                for (int i = 0; i < 2000; i++) sum += Hot(i);
                Thread.Sleep(2); // the tiering delay (100 ms of no new tier-0 methods) runs out while this sleeps
            }
            sum += LongLoop(30_000_000);
            var method = new DynamicMethod("Add", typeof(int), new[] { typeof(int), typeof(int) });
            var il = method.GetILGenerator();
            il.Emit(OpCodes.Ldarg_0); il.Emit(OpCodes.Ldarg_1); il.Emit(OpCodes.Add); il.Emit(OpCodes.Ret);
            var add = (Func<int, int, int>)method.CreateDelegate(typeof(Func<int, int, int>));
            var x = Expression.Parameter(typeof(int));
            var square = Expression.Lambda<Func<int, int>>(Expression.Multiply(x, x), x).Compile();
            Console.Out.WriteLine($"jit: {sum % 1000} {add(2, 3)} {square(7)}");
            return 0;
        }

        private static int Hot(int i) => (i * 31) ^ (i >> 3);

        private static long LongLoop(int n)
        {
            long s = 0;
            for (int i = 0; i < n; i++) s += i & 0xff; // one call, a long loop: OSR's case
            return s;
        }

        /// <summary>Small, large and pinned objects, finalizers, induced and background collections, memory pressure.</summary>
        private static int Gc()
        {
            var keep = new List<byte[]>();
            for (int i = 0; i < 3000; i++)
            {
                keep.Add(new byte[i % 10 == 0 ? 100_000 : 2000]);
                if (keep.Count > 500) keep.RemoveRange(0, 250);
            }
            var pinned = GC.AllocateArray<byte>(4096, pinned: true);
            for (int i = 0; i < 1000; i++) _ = new Finalizable();
            GC.Collect(0);
            GC.Collect(2, GCCollectionMode.Forced, blocking: false);
            GC.WaitForPendingFinalizers();
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.AddMemoryPressure(1 << 20);
            GC.RemoveMemoryPressure(1 << 20);
            GCSettings.LatencyMode = GCLatencyMode.SustainedLowLatency;
            GCSettings.LatencyMode = GCLatencyMode.Interactive;
            var info = GC.GetGCMemoryInfo();
            Console.Out.WriteLine($"gc: server={GCSettings.IsServerGC} heap={info.HeapSizeBytes >> 20} MiB limit={info.TotalAvailableMemoryBytes >> 20} MiB pinned={pinned.Length}");
            return 0;
        }

        private sealed class Finalizable { ~Finalizable() { } }

        /// <summary>ICU (or invariant mode): cultures, comparisons, casing, normalization, IDN.</summary>
        private static int Globalization()
        {
            // Invariant mode (DOTNET_SYSTEM_GLOBALIZATION_INVARIANT) loads no ICU and knows no culture but the invariant one.
            bool invariant = (AppContext.TryGetSwitch("System.Globalization.Invariant", out bool set) && set)
                || Environment.GetEnvironmentVariable("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT") is "1" or "true";
            if (invariant)
            {
                Console.Out.WriteLine($"globalization: invariant {"straße".ToUpperInvariant()} {string.Compare("a", "B", StringComparison.OrdinalIgnoreCase)}");
                return 0;
            }
            var de = new CultureInfo("de-DE");
            var tr = new CultureInfo("tr-TR");
            int cmp = string.Compare("straße", "strasse", de, CompareOptions.IgnoreNonSpace);
            string upper = "istanbul".ToUpper(tr);
            string normalized = "e\u0301".Normalize();
            string idn = new IdnMapping().GetAscii("bücher.example");
            int cultures = CultureInfo.GetCultures(CultureTypes.SpecificCultures).Length;
            string date = new DateTime(2026, 12, 7).ToString("D", new CultureInfo("ja-JP"));
            Console.Out.WriteLine($"globalization: {cmp} {upper} {normalized.Length} {idn} {cultures} {date}");
            return 0;
        }

        /// <summary>The local zone, zones by id, the whole list, conversions.</summary>
        private static int TimeZones()
        {
            var local = TimeZoneInfo.Local;
            var ny = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
            int all = TimeZoneInfo.GetSystemTimeZones().Count;
            var converted = TimeZoneInfo.ConvertTime(new DateTime(2026, 7, 1, 12, 0, 0, DateTimeKind.Utc), ny);
            Console.Out.WriteLine($"timezones: {local.Id} {ny.Id} {all} {converted:HH:mm} {DateTime.Now.Kind}");
            return 0;
        }

        /// <summary>Console output, error, input, and the terminal's properties when there is one.</summary>
        private static int ConsoleIo()
        {
            Console.Out.WriteLine("console: out");
            Console.Error.WriteLine("console: error");
            string? line = Console.IsInputRedirected ? Console.In.ReadLine() : null;
            string size = "";
            if (!Console.IsOutputRedirected)
            {
                Console.ForegroundColor = ConsoleColor.Green;
                Console.Out.Write("green ");
                Console.ResetColor();
                try { size = $"{Console.WindowWidth}x{Console.WindowHeight}"; } catch (IOException) { size = "no size"; }
                if (!Console.IsInputRedirected) size += " key=" + Console.KeyAvailable;
            }
            Console.Out.WriteLine($"console: in={line ?? "-"} redirected={Console.IsOutputRedirected} {size}");
            return 0;
        }

        /// <summary>
        /// Handlers for the signals a service meets, each cancelling the default action; the driver sends SIGWINCH,
        /// SIGHUP, SIGCHLD, SIGINT, three SIGSTOP/SIGCONT cycles, then SIGTERM, which ends the case.
        /// Threads sleep and wait with timeouts meanwhile, so that a stop interrupts calls the kernel restarts.
        /// </summary>
        private static int Signals()
        {
            int seen = 0;
            using var done = new ManualResetEventSlim();
            var registrations = new[] { PosixSignal.SIGHUP, PosixSignal.SIGWINCH, PosixSignal.SIGCHLD, PosixSignal.SIGCONT, PosixSignal.SIGINT }
                .Select(s => PosixSignalRegistration.Create(s, c => { Interlocked.Increment(ref seen); c.Cancel = true; }))
                .Append(PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; done.Set(); }))
                .ToList();
            var gate = new object();
            var sleepers = Enumerable.Range(0, 3).Select(k => new Thread(() =>
            {
                while (!done.IsSet)
                {
                    if (k == 0) Thread.Sleep(3);
                    else if (k == 1) lock (gate) Monitor.Wait(gate, 4);
                    else Task.Delay(5).Wait();
                }
            })).ToList();
            sleepers.ForEach(t => t.Start());
            Console.Out.WriteLine("ready " + Environment.ProcessId);
            Console.Out.Flush();
            if (!done.Wait(TimeSpan.FromSeconds(60))) { Console.Out.WriteLine("signals: no SIGTERM within 60 s"); return 1; }
            sleepers.ForEach(t => t.Join());
            registrations.ForEach(r => r.Dispose());
            Console.Out.WriteLine($"signals: {seen} handled");
            return 0;
        }

        /// <summary>
        /// Ctrl+C with a CancelKeyPress handler that lets it through: the runtime restores SIGINT's default action and
        /// raises it again, so the case ends killed by SIGINT (status 130). The driver sends SIGINT.
        /// </summary>
        private static int Interrupt()
        {
            // A program started in the background by a shell without job control inherits SIGINT ignored, and the
            // runtime leaves an ignored SIGINT alone; a service's Ctrl+C comes from a terminal, where it is not.
            signal(2 /* SIGINT */, IntPtr.Zero /* SIG_DFL */);
            Console.CancelKeyPress += (_, e) => e.Cancel = false;
            return WaitForTheDriver();
        }

        /// <summary>
        /// SIGTERM with only the runtime's own handling (AppDomain.ProcessExit runs): status 143. The driver sends SIGTERM.
        /// </summary>
        private static int Terminate()
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Console.Out.WriteLine("terminate: ProcessExit ran");
            return WaitForTheDriver();
        }

        [DllImport("libc")]
        private static extern IntPtr signal(int signum, IntPtr handler);

        private static int WaitForTheDriver()
        {
            Console.Out.WriteLine("ready " + Environment.ProcessId);
            Console.Out.Flush();
            Thread.Sleep(TimeSpan.FromSeconds(60));
            Console.Out.WriteLine("no signal within 60 s");
            return 1;
        }

        /// <summary>Process.Start with and without redirection, exit codes, Kill, a child ended by a signal.</summary>
        private static int Children()
        {
            int ok = 0;
            for (int i = 0; i < 10; i++)
            {
                using var p = Process.Start(new ProcessStartInfo("/bin/sh", new[] { "-c", "exit " + (i % 3) }) { UseShellExecute = false })!;
                p.WaitForExit();
                if (p.ExitCode == i % 3) ok++;
            }
            using (var echo = Process.Start(new ProcessStartInfo("/bin/echo", "redirected") { RedirectStandardOutput = true, RedirectStandardError = true })!)
            {
                string text = echo.StandardOutput.ReadToEnd();
                echo.WaitForExit();
                if (text.Trim() == "redirected") ok++;
            }
            using (var cat = Process.Start(new ProcessStartInfo("/bin/cat") { RedirectStandardInput = true, RedirectStandardOutput = true })!)
            {
                cat.StandardInput.WriteLine("through a pipe");
                cat.StandardInput.Close();
                if (cat.StandardOutput.ReadToEnd().Trim() == "through a pipe") ok++;
                cat.WaitForExit();
            }
            using (var sleeper = Process.Start(new ProcessStartInfo("/bin/sleep", "30") { UseShellExecute = false })!)
            {
                sleeper.Kill();
                sleeper.WaitForExit();
                if (sleeper.ExitCode == 128 + 9) ok++;
            }
            using (var selfKilled = Process.Start(new ProcessStartInfo("/bin/sh", new[] { "-c", "kill -TERM $$" }) { UseShellExecute = false })!)
            {
                selfKilled.WaitForExit();
                if (selfKilled.ExitCode == 128 + 15) ok++;
            }
            var parallel = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                using var p = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
                await p.WaitForExitAsync();
                return p.ExitCode;
            })).ToArray();
            Task.WaitAll(parallel);
            ok += parallel.Count(t => t.Result == 0);
            Console.Out.WriteLine($"children: {ok} of 22 as expected");
            return ok == 22 ? 0 : 1;
        }

        /// <summary>An exception nobody catches, on a thread of its own: the runtime prints it and aborts (SIGABRT, 134).</summary>
        private static int Unhandled()
        {
            Console.Out.WriteLine("unhandled: throwing");
            Console.Out.Flush();
            var t = new Thread(() => throw new InvalidOperationException("the matrix's unhandled exception"));
            t.Start();
            t.Join();
            return 1;
        }

        /// <summary>Environment.FailFast: a message, then abort (SIGABRT, 134).</summary>
        private static int FailFast()
        {
            Console.Out.WriteLine("failfast: failing");
            Console.Out.Flush();
            Environment.FailFast("the matrix's FailFast");
            return 1;
        }

        /// <summary>Environment.Exit from a thread other than Main's while others run: exit code 3.</summary>
        private static int ExitFromThread()
        {
            var busy = new Thread(() => { while (true) Thread.Sleep(1); }) { IsBackground = true };
            busy.Start();
            Console.Out.WriteLine("exit: exiting with 3");
            Console.Out.Flush();
            var t = new Thread(() => Environment.Exit(3));
            t.Start();
            t.Join();
            Thread.Sleep(5000);
            return 1;
        }
    }
}
