using System.Runtime.InteropServices;

namespace Seccomp.TestChild;

/// <summary>Raw system calls, so a scenario sees exactly what the kernel returned.</summary>
internal static unsafe partial class Native
{
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long syscall6(long nr, ulong a0, ulong a1, ulong a2, ulong a3, ulong a4, ulong a5);

    /// <summary>Makes the call and returns (result, errno).</summary>
    public static (long Result, int Errno) Call(long nr, ulong a0 = 0, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0, ulong a4 = 0, ulong a5 = 0)
    {
        long rc = syscall6(nr, a0, a1, a2, a3, a4, a5);
        return (rc, rc < 0 ? Marshal.GetLastPInvokeError() : 0);
    }

    public static int Gettid() => (int)Call(Number("gettid")).Result;

    public static int Number(string name) =>
        Seccomp.Common.ArchInfo.Get(Seccomp.SeccompLoader.CurrentArchitecture!.Value).TryGetNumber(name, out int nr)
            ? nr
            : throw new System.ArgumentException(name);
}
