using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using Seccomp;
using Seccomp.TestChild;
using Seccomp.TestChild.Policies;

/// <summary>
/// The red-team's attacks on the loader, replayed in a child process. They report; the tests judge.
/// </summary>
internal static partial class Scenarios
{
    private const uint RetAllow = 0x7fff0000, RetErrno = 0x00050000, RetUserNotif = 0x7fc00000;
    private const ushort LdAbs = 0x20, JeqK = 0x15, RetK = 0x06;
    private const ulong SetModeFilter = 1, FlagTsync = 1, FlagNewListener = 8, FlagTsyncEsrch = 16; // TSYNC with NEW_LISTENER needs TSYNC_ESRCH

    /// <summary>
    /// An earlier filter that lies about seccomp(2): the flag probe (a NULL program) gets EFAULT, as from a kernel
    /// that supports the flag, and the real install gets ERRNO(0), a success that installed nothing. With
    /// <paramref name="notify"/>, the real install goes to a USER_NOTIF supervisor thread that replies 0 instead.
    /// Then TryApply and Apply of a real policy: both must refuse.
    /// </summary>
    private static int LyingEarlierFilter(bool notify)
    {
        int seccompNr = Native.Number("seccomp");
        uint answer = notify ? RetUserNotif : RetErrno | 0;
        // Jumps are relative to the next instruction.
        var program = new List<(ushort Code, byte Jt, byte Jf, uint K)>
        {
            (LdAbs, 0, 0, 0),                              // 0: A = nr
            (JeqK, 0, 8, (uint)seccompNr),                 // 1: seccomp, else 10
            (LdAbs, 0, 0, 16),                             // 2: A = low word of op
            (JeqK, 0, 6, (uint)SetModeFilter),             // 3: SET_MODE_FILTER, else 10
            (LdAbs, 0, 0, 32),                             // 4: A = low word of the program pointer
            (JeqK, 0, 2, 0),                               // 5: 0: look at the high word, else 8
            (LdAbs, 0, 0, 36),                             // 6: A = high word
            (JeqK, 1, 0, 0),                               // 7: NULL: 9, else 8
            (RetK, 0, 0, answer),                          // 8: the real install: a fake success
            (RetK, 0, 0, RetErrno | 14),                   // 9: the flag probe: EFAULT, as for a supported flag
            (RetK, 0, 0, RetAllow),                        // 10: everything else
        };
        Native.Prctl(38 /* PR_SET_NO_NEW_PRIVS */, 1);
        var (fd, errno) = Native.InstallRaw(program, notify ? FlagTsync | FlagNewListener | FlagTsyncEsrch : FlagTsync);
        Report("earlier_installed", fd >= 0);
        Report("earlier_errno", errno);
        if (fd < 0) return 1;
        if (notify)
        {
            // The supervisor: every notified seccomp(2) is answered with val 0, error 0 (a fake success).
            var t = new Thread(() => Native.AnswerNotificationsWithZero((int)fd)) { IsBackground = true, Name = "liar" };
            t.Start();
        }
        ReportStatus();
        bool ok = AllowPolicy.TryApply(out var error);
        Report("tryapply", ok);
        Report("step", error?.Step);
        Report("message", error?.Message?.Replace('\n', ' '));
        try
        {
            AllowPolicy.Apply();
            Report("apply_threw", false);
        }
        catch (SeccompException ex)
        {
            Report("apply_threw", true);
            Report("apply_step", ex.Error.Step);
        }
        ReportStatus();
        // The policy's Deny("keyctl") is not in force: keyctl reaches the kernel (EINVAL/ENOKEY... anything but EPERM
        // from a filter would do; the kernel gives EOPNOTSUPP or EINVAL for op -3).
        Report("keyctl_errno", Native.Call(Native.Number("keyctl"), unchecked((ulong)-3), 0, 0).Errno);
        return 0;
    }

    /// <summary>Apply with a warning sink; report what it was told (the test runs this as root).</summary>
    private static int PrivilegeWarning(bool opensFiles)
    {
        var warnings = new List<string>();
        var options = new SeccompOptions { OnWarning = warnings.Add };
        if (opensFiles) AllowPolicy.Apply(options);
        else NoOpenPolicy.Apply(options);
        Report("warnings", warnings.Count);
        Report("warning", warnings.Count > 0 ? warnings[0] : "");
        return 0;
    }
}
