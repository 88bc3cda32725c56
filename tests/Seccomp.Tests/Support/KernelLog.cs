using System.IO;
using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;

namespace Seccomp.Tests.Support;

/// <summary>The kernel's seccomp audit lines (type=1326), read with dmesg.</summary>
internal static class KernelLog
{
    /// <summary>The audit line for a process and syscall number, waiting up to 3 s for the kernel to write it.</summary>
    public static string? FindSeccompLine(int pid, int syscall)
    {
        for (int i = 0; i < 30; i++)
        {
            // Only lines of the last two minutes: pids wrap at pid_max (32768 here), and the ring buffer keeps the audit
            // lines of every earlier run since boot, some of them from a process that had this pid before.
            double since = Uptime() - 120;
            var line = Dmesg().Split('\n').LastOrDefault(l => l.Contains("type=1326") && l.Contains($" pid={pid} ") && l.Contains($" syscall={syscall} ")
                && Timestamp(l) >= since);
            if (line != null) return line;
            Thread.Sleep(100);
        }
        return null;
    }

    /// <summary>Seconds since boot, as dmesg stamps its lines.</summary>
    private static double Uptime() =>
        double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A dmesg line's "[  1234.567890]" stamp, or +infinity for a line without one (kept, as before).</summary>
    private static double Timestamp(string line)
    {
        int open = line.IndexOf('['), close = line.IndexOf(']');
        return open >= 0 && close > open && double.TryParse(line.AsSpan(open + 1, close - open - 1), System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out double t) ? t : double.PositiveInfinity;
    }

    private static string Dmesg()
    {
        var psi = new ProcessStartInfo("dmesg") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException("dmesg failed: " + p.StandardError.ReadToEnd());
        return output;
    }
}
