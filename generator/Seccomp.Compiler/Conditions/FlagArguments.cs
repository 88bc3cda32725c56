using System.Collections.Generic;

namespace Seccomp.Compiler.Conditions
{
    /// <summary>
    /// Arguments that are sets of flags (the kernel tests them bit by bit), from the syscall bodies: a rule that
    /// compares one with <c>==</c> misses the same call with one more flag set. Values such as prctl's option, fcntl's
    /// and ioctl's cmd or madvise's advice are not here: equality is right for them. Some flag arguments hold a value
    /// field as well (<see cref="Row.ValueMask"/>): socket's type is SOCK_STREAM.. in its low 4 bits (the kernel takes
    /// <c>type &amp; SOCK_TYPE_MASK</c>) with SOCK_NONBLOCK and SOCK_CLOEXEC above, open's flags hold the access mode in
    /// O_ACCMODE, clone's flags the exit signal in CSIGNAL (0xff). Source: Linux 6.12 (see docs/diagnostics/SECC0038.md).
    /// </summary>
    internal static class FlagArguments
    {
        /// <param name="ValueMask">The bits that hold a value rather than flags (0 for a pure flag set).</param>
        /// <param name="ValueMaskText">How a condition writes <paramref name="ValueMask"/>, the same on every architecture.</param>
        internal sealed record Row(string Syscall, int Slot, ulong ValueMask = 0, string? ValueMaskText = null);

        private static readonly Row[] s_rows =
        {
            // mm/mmap.c do_mmap(): no validation of prot, unknown bits are ignored (calc_vm_prot_bits).
            new("mmap", 2),
            // do_mmap(): MAP_TYPE (0xf) is SHARED/PRIVATE/SHARED_VALIDATE/DROPPABLE; the rest flags, MAP_HUGE_* a size field at bit 26.
            new("mmap", 3, 0xfc00000f, null),
            new("mprotect", 2),
            new("pkey_mprotect", 2),
            // kernel/fork.c SYSCALL_DEFINE5(clone): the exit signal in CSIGNAL (0xff), CLONE_* flags above.
            new("clone", 0, 0xff, "0xff"),
            new("unshare", 0),
            // fs/open.c build_open_how() `.flags = flags & VALID_OPEN_FLAGS` (unknown bits dropped); O_ACCMODE is a value.
            new("open", 1, 3, "O_ACCMODE"),
            new("openat", 2, 3, "O_ACCMODE"),
            // net/socket.c __sys_socket_create(): `type &= SOCK_TYPE_MASK;` (0xf) after checking the flag bits.
            new("socket", 1, 0xf, "0xf"),
            new("socketpair", 1, 0xf, "0xf"),
            new("accept4", 3),
            new("pipe2", 1),
            new("dup3", 2),
            new("eventfd2", 1),
            new("epoll_create1", 0),
            // mm/memfd.c: MFD_HUGE_* is a size field at bit 26 when MFD_HUGETLB is set.
            new("memfd_create", 1, 0xfc000000, null),
            new("inotify_init1", 0),
            new("timerfd_create", 1),
            new("signalfd4", 3),
            new("msync", 2),
            new("mlock2", 2),
            new("renameat2", 4),
            // fs/stat.c: AT_STATX_SYNC_TYPE (0x6000) is a 2-bit value inside the flags.
            new("statx", 2, 0x6000, "AT_STATX_SYNC_TYPE"),
            new("statx", 3),
            new("faccessat2", 2),
            new("faccessat2", 3),
            new("fchmodat2", 3),
            new("linkat", 4),
            new("unlinkat", 2),
            new("mount", 3),
            new("umount2", 1),
            new("sendmsg", 2),
            new("recvmsg", 2),
            new("sendto", 3),
            new("recvfrom", 3),
            new("send", 3),
            new("recv", 3),
            new("waitid", 3),
            new("wait4", 2),
            new("getrandom", 2),
            new("mremap", 3),
            new("process_vm_readv", 5),
            new("process_vm_writev", 5),
            // kernel/nsproxy.c: a set of CLONE_NEW* bits for a pidfd (exactly one, or 0, for a namespace fd).
            new("setns", 1),
            // kernel/exec_domain.c: the persona in PER_MASK (0xff), flags such as READ_IMPLIES_EXEC above.
            new("personality", 0, 0xff, "PER_MASK"),
            new("umask", 0),
            // fs/notify/fanotify: FAN_CLASS_* (0xc) is a value inside the flags.
            new("fanotify_init", 0, 0xc, null),
        };

        private static readonly Dictionary<(string, int), Row> s_bySlot = Index();

        private static Dictionary<(string, int), Row> Index()
        {
            var d = new Dictionary<(string, int), Row>();
            foreach (var r in s_rows) d.Add((r.Syscall, r.Slot), r);
            return d;
        }

        /// <summary>The flag argument in slot <paramref name="slot"/> of <paramref name="syscall"/>, or null.</summary>
        public static Row? Find(string syscall, int slot) => s_bySlot.TryGetValue((syscall, slot), out var r) ? r : null;
    }
}
