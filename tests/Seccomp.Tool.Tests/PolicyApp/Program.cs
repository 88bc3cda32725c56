// Applies Sandbox (getpgid denied with EACCES), then calls getpgid(0) and prints what it got:
//   "getpgid: ok" or "getpgid: errno N", then the Seccomp lines of /proc/self/status. Exits 0.
using System;
using System.IO;
using System.Runtime.InteropServices;

namespace PolicyApp;

internal static class Program
{
    [DllImport("libc.so.6", SetLastError = true)] private static extern int getpgid(int pid);

    private static int Main()
    {
        Sandbox.Apply();
        int r = getpgid(0);
        Console.WriteLine(r < 0 ? $"getpgid: errno {Marshal.GetLastPInvokeError()}" : "getpgid: ok");
        foreach (string line in File.ReadAllLines("/proc/self/status"))
            if (line.StartsWith("Seccomp", StringComparison.Ordinal)) Console.WriteLine(line);
        return 0;
    }
}
