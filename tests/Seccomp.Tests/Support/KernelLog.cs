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
            var line = Dmesg().Split('\n').LastOrDefault(l => l.Contains("type=1326") && l.Contains($" pid={pid} ") && l.Contains($" syscall={syscall} "));
            if (line != null) return line;
            Thread.Sleep(100);
        }
        return null;
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
