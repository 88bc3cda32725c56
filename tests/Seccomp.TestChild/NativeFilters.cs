using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Seccomp.TestChild;

/// <summary>Hand-made filters and a lying supervisor: what an attacker who ran before Apply() could install.</summary>
internal static unsafe partial class Native
{
    private const uint NotifRecv = 0xC0502100; // SECCOMP_IOWR(0, struct seccomp_notif): 80 bytes
    private const uint NotifSend = 0xC0182101; // SECCOMP_IOWR(1, struct seccomp_notif_resp): 24 bytes

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int ioctl(int fd, ulong request, void* arg);

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int prctl(int option, ulong a2, ulong a3, ulong a4, ulong a5);

    public static int Prctl(int option, ulong a2) => prctl(option, a2, 0, 0, 0);

    /// <summary>seccomp(SECCOMP_SET_MODE_FILTER, flags, program): (result, errno); the result is a listener fd with NEW_LISTENER.</summary>
    public static (long Result, int Errno) InstallRaw(IReadOnlyList<(ushort Code, byte Jt, byte Jf, uint K)> program, ulong flags)
    {
        var bytes = new byte[program.Count * 8];
        for (int i = 0; i < program.Count; i++)
        {
            var (code, jt, jf, k) = program[i];
            bytes[i * 8] = (byte)code; bytes[i * 8 + 1] = (byte)(code >> 8);
            bytes[i * 8 + 2] = jt; bytes[i * 8 + 3] = jf;
            bytes[i * 8 + 4] = (byte)k; bytes[i * 8 + 5] = (byte)(k >> 8); bytes[i * 8 + 6] = (byte)(k >> 16); bytes[i * 8 + 7] = (byte)(k >> 24);
        }
        fixed (byte* p = bytes)
        {
            // struct sock_fprog { unsigned short len; struct sock_filter *filter; }
            ulong* fprog = stackalloc ulong[2];
            fprog[0] = (ulong)program.Count;
            fprog[1] = (ulong)p;
            return Call(Number("seccomp"), 1, flags, (ulong)fprog);
        }
    }

    /// <summary>Answers every notification on <paramref name="listener"/> with val 0, error 0: a fake success. Never returns.</summary>
    public static void AnswerNotificationsWithZero(int listener)
    {
        byte* notif = stackalloc byte[80];
        ulong* resp = stackalloc ulong[3];
        while (true)
        {
            new System.Span<byte>(notif, 80).Clear(); // NOTIF_RECV wants a zeroed buffer
            if (ioctl(listener, NotifRecv, notif) != 0) continue;
            resp[0] = *(ulong*)notif; // id
            resp[1] = 0;              // val
            resp[2] = 0;              // error 0, flags 0
            ioctl(listener, NotifSend, resp);
        }
    }
}
