using System;
using System.Runtime.InteropServices;
using Seccomp.Common;

namespace Seccomp
{
    /// <summary>
    /// Proves that seccomp(2)'s success was real. A filter installed earlier can answer the install with ERRNO(0), and a
    /// USER_NOTIF supervisor can reply 0, so a return value of 0 is not a proof. The kernel's own count of the calling
    /// thread's filters (<c>Seccomp_filters:</c> in /proc/thread-self/status, Linux 5.9+) is: it rises by exactly one
    /// when this filter joins the chain. The status file is opened before the install and read again with pread after
    /// it, so the check needs no openat (which the new policy may deny), only pread64 and close.
    /// </summary>
    internal sealed unsafe class InstallVerifier : IDisposable
    {
        private const int O_RDONLY = 0, O_CLOEXEC = 0x80000;
        private const string Path = "/proc/thread-self/status";

        private int _fd;

        /// <summary>The filter count before the install; -1 when the kernel does not report it (before 5.9).</summary>
        public int Before { get; }

        /// <summary>The seccomp mode before the install (0 none, 2 filter), from the same file.</summary>
        public int ModeBefore { get; }

        /// <summary>The effective uid and capabilities before the install (-1 and 0 when unknown), for <see cref="PrivilegeWarning"/>.</summary>
        public long EffectiveUid { get; private set; } = -1;
        public ulong EffectiveCaps { get; private set; }

        private InstallVerifier(int fd, int before, int modeBefore)
        {
            _fd = fd;
            Before = before;
            ModeBefore = modeBefore;
        }

        private const int CapSysPtrace = 19, CapSysAdmin = 21;

        /// <summary>Root, or CAP_SYS_ADMIN or CAP_SYS_PTRACE in the effective set.</summary>
        public bool Privileged => EffectiveUid == 0 || (EffectiveCaps & ((1UL << CapSysAdmin) | (1UL << CapSysPtrace))) != 0;

        /// <summary>
        /// Why the process can reach beyond what its policy says, or null: root, or CAP_SYS_ADMIN or CAP_SYS_PTRACE,
        /// when the policy lets it open files (/proc/sys, other processes' /proc/&lt;pid&gt;/mem; docs/limits.md).
        /// </summary>
        public string? PrivilegeWarning(string policy, bool opensFiles)
        {
            if (!opensFiles) return null;
            var what = new System.Collections.Generic.List<string>();
            if (EffectiveUid == 0) what.Add("runs as root");
            if ((EffectiveCaps & (1UL << CapSysAdmin)) != 0) what.Add("holds CAP_SYS_ADMIN");
            if ((EffectiveCaps & (1UL << CapSysPtrace)) != 0) what.Add("holds CAP_SYS_PTRACE");
            if (what.Count == 0) return null;
            return $"seccomp: {policy} is installed, but the process {string.Join(" and ", what)} while its policy allows opening files: "
                + "through calls the policy allows it can still write /proc/sys or other processes' memory (/proc/<pid>/mem). "
                + "Run it as a dedicated non-root uid with no capabilities (docs/limits.md)";
        }

        /// <summary>Opens the status file and reads the count; null (and why) when it cannot.</summary>
        public static InstallVerifier? Open(out string? problem)
        {
            problem = null;
            int fd;
            fixed (byte* p = "/proc/thread-self/status\0"u8) fd = open(p, O_RDONLY | O_CLOEXEC);
            if (fd < 0)
            {
                problem = $"cannot open {Path} to verify the install (errno {Marshal.GetLastPInvokeError()})";
                return null;
            }
            if (!Read(fd, out int count, out int mode))
            {
                close(fd);
                problem = $"cannot read {Path} to verify the install";
                return null;
            }
            var verifier = new InstallVerifier(fd, count, mode);
            verifier.ReadCredentials();
            return verifier;
        }

        /// <summary>
        /// Null when the filter is in force, else the cause. Where the kernel does not count filters, the mode
        /// proves a first filter (0 before, 2 after); a filter stacked on another cannot be proven there.
        /// </summary>
        public string? Check()
        {
            if (!Read(_fd, out int after, out int modeAfter))
                return $"seccomp(2) returned success, but {Path} could not be read again to confirm it: a filter installed earlier "
                    + "may deny pread64, or the process lost its /proc. No filter is assumed to be in force";
            if (Before >= 0)
            {
                if (after == Before + 1) return null;
                return $"seccomp(2) returned success, but the thread's filter count (Seccomp_filters) is {after}, not {Before + 1}: "
                    + "the install did not happen. Likely cause: a seccomp filter installed earlier (or its USER_NOTIF supervisor) answers "
                    + "seccomp(2) with a fake success; the earlier filter is all that is in force";
            }
            if (ModeBefore == 0)
                return modeAfter == 2 ? null
                    : $"seccomp(2) returned success, but the thread's seccomp mode is {modeAfter}, not 2 (filter): the install did not happen";
            return "this kernel does not count seccomp filters (Seccomp_filters: needs Linux 5.9), and a filter is installed already, "
                + "so a stacked install cannot be confirmed";
        }

        /// <summary>True when <see cref="Check"/> cannot prove a stacked install on this kernel (no count, a filter already).</summary>
        public bool Unprovable => Before < 0 && ModeBefore != 0;

        public void Dispose()
        {
            if (_fd >= 0) close(_fd);
            _fd = -1;
        }

        private void ReadCredentials()
        {
            const int Size = 8192;
            byte* buf = stackalloc byte[Size];
            var text = ReadAll(_fd, buf, Size);
            // "Uid:\treal\teffective\tsaved\tfs"
            int at = text.IndexOf("\nUid:"u8);
            if (at >= 0)
            {
                var rest = text.Slice(at + 5);
                int end = rest.IndexOf((byte)'\n');
                if (end >= 0) rest = rest.Slice(0, end);
                var fields = System.Text.Encoding.ASCII.GetString(rest).Split(new[] { '\t', ' ' }, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length >= 2 && long.TryParse(fields[1], out long euid)) EffectiveUid = euid;
            }
            at = text.IndexOf("\nCapEff:"u8);
            if (at >= 0)
            {
                var rest = text.Slice(at + 8);
                int end = rest.IndexOf((byte)'\n');
                if (end >= 0) rest = rest.Slice(0, end);
                if (ulong.TryParse(System.Text.Encoding.ASCII.GetString(rest).Trim(), System.Globalization.NumberStyles.HexNumber, null, out ulong caps))
                    EffectiveCaps = caps;
            }
        }

        private static ReadOnlySpan<byte> ReadAll(int fd, byte* buf, int size)
        {
            nint total = 0;
            while (total < size)
            {
                nint n = pread(fd, buf + total, size - total, total);
                if (n < 0)
                {
                    if (Marshal.GetLastPInvokeError() == 4 /* EINTR */) continue;
                    return default;
                }
                if (n == 0) break;
                total += n;
            }
            return new ReadOnlySpan<byte>(buf, (int)total);
        }

        /// <summary>Reads the whole file from offset 0 (procfs regenerates it) and parses the two lines.</summary>
        private static bool Read(int fd, out int filters, out int mode)
        {
            const int Size = 8192;
            byte* buf = stackalloc byte[Size];
            var text = ReadAll(fd, buf, Size);
            SeccompStatus.Parse(text, out mode, out filters);
            return mode >= 0;
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int open(byte* path, int flags);

        [DllImport("libc", SetLastError = true)]
        private static extern nint pread(int fd, byte* buf, nint count, nint offset);

        [DllImport("libc", SetLastError = true)]
        private static extern int close(int fd);
    }
}
