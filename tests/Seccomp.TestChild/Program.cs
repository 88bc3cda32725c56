using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Seccomp;
using Seccomp.TestChild;

// Each scenario prints "key=value" lines that the tests read; the exit code says whether the scenario ran to its end.
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: Seccomp.TestChild <scenario>");
    return 2;
}

return Scenarios.Run(args[0], args.Skip(1).ToArray());

internal static partial class Scenarios
{
    public static int Run(string name, string[] rest)
    {
        switch (name)
        {
            case "docker": return Docker();
            case "runtime": return RuntimeIdentity();
            case "bpf-diff": return DifferentialScenarios.Run(rest);
            case "bpf-check": return DifferentialScenarios.Check(rest);
            default:
                if (Extra(name, rest, out int code)) return code;
                Console.Error.WriteLine($"unknown scenario {name}");
                return 2;
        }
    }

    static partial void ExtraScenario(string name, string[] rest, ref int? code);

    private static bool Extra(string name, string[] rest, out int code)
    {
        int? c = null;
        ExtraScenario(name, rest, ref c);
        code = c ?? 0;
        return c.HasValue;
    }

    public static void Report(string key, object? value) => Console.WriteLine($"{key}={value}");

    /// <summary>Threads that exist before Apply(), parked until the scenario ends.</summary>
    public static (List<Thread> Threads, ManualResetEventSlim Release) StartThreads(int count)
    {
        var release = new ManualResetEventSlim();
        var started = new CountdownEvent(count);
        var threads = new List<Thread>();
        for (int i = 0; i < count; i++)
        {
            var t = new Thread(() => { started.Signal(); release.Wait(); }) { IsBackground = true, Name = $"early-{i}" };
            t.Start();
            threads.Add(t);
        }
        started.Wait();
        return (threads, release);
    }

    /// <summary>The Seccomp: field of every thread of this process (0 none, 1 strict, 2 filter).</summary>
    public static string ThreadSeccompModes() =>
        string.Join(",", Directory.GetDirectories("/proc/self/task").Select(task =>
            File.ReadLines(Path.Combine(task, "status")).First(l => l.StartsWith("Seccomp:")).Split(':')[1].Trim()));

    /// <summary>Which runtime this child runs on and where its core library was loaded from (tests compare the two runtimes).</summary>
    private static int RuntimeIdentity()
    {
        Report("version", Environment.Version);
        Report("framework", System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);
        Report("corelib_dir", Path.GetDirectoryName(typeof(object).Assembly.Location));
        Report("app_dir", AppContext.BaseDirectory.TrimEnd('/'));
        return 0;
    }

    private static int Docker()
    {
        var (threads, release) = StartThreads(3);
        Report("threads_before", Directory.GetDirectories("/proc/self/task").Length);
        DockerDefaultPolicyHolder.Apply();
        Report("applied", true);

        // keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0) is not in Docker's profile.
        var keyctl = Native.Call(Native.Number("keyctl"), 0, unchecked((ulong)-3), 0);
        Report("keyctl_result", keyctl.Result);
        Report("keyctl_errno", keyctl.Errno);
        var pid = Native.Call(Native.Number("getpid"));
        Report("getpid_ok", pid.Result == Environment.ProcessId);

        // The runtime keeps working: threads, allocation, a GC, a file read.
        var t = new Thread(() => Report("late_thread_ran", true));
        t.Start();
        t.Join();
        var bytes = new byte[64 << 20];
        GC.Collect();
        Report("gc_ok", bytes.Length > 0);
        Report("file_read", File.ReadAllText("/proc/self/comm").Length > 0);
        Report("thread_modes", ThreadSeccompModes());
        release.Set();
        return 0;
    }
}
