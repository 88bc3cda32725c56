using System;
using System.Collections.Generic;

// Linked into the runtime too (internal there): in-process reports name a denied call's arguments.
#if SECCOMP_COMPILER
namespace Seccomp.Compiler.Conditions
#else
namespace Seccomp.Common.Conditions
#endif
{
    /// <summary>
    /// Arguments the kernel reads more narrowly than their prototype declares, for every call of the syscall: the
    /// register holds 64 bits, but the syscall's body casts, masks or passes the value to a narrower parameter, so the
    /// bits above never change what the call does. A comparison reads them at this width (as it reads umode_t at 16
    /// bits), so that setting a high bit cannot dodge a rule, and a value outside it is an error (SECC0022).
    /// Source: Linux 6.12.117 (Debian linux-source-6.12); clone's line also checked in 6.18.
    /// <para>
    /// Not here, because the width depends on another argument (the rule would have to pin that one too):
    /// fcntl arg (<c>int argi = (int)arg</c> for F_SETFL, F_DUPFD...; a pointer for F_SETLK...), futex utime (a count for
    /// FUTEX_REQUEUE...; a pointer for FUTEX_WAIT), keyctl arg2..arg5 and prctl arg2 (cast per option), semctl arg
    /// (SETVAL only), sysfs arg1 (an index for option 2, a pointer for option 1), kcmp idx2 (a pointer for
    /// KCMP_EPOLL_TFD). Arguments the kernel ignores in some calls but never reads wider (mmap's fd for an anonymous
    /// map, ptrace's pid for PTRACE_TRACEME, kcmp idx1, open's mode without O_CREAT) are here: their high bits never
    /// matter.
    /// </para>
    /// </summary>
    internal static class NarrowArguments
    {
        /// <summary>Slot <paramref name="Slot"/> of <paramref name="Syscall"/> (its table name) is read as a
        /// <paramref name="Bits"/>-bit value; <paramref name="Reads"/> says how, for messages.</summary>
        internal sealed record Row(string Syscall, int Slot, int Bits, bool Signed, string Reads);

        private static readonly Row[] s_rows =
        {
            // kernel/fork.c SYSCALL_DEFINE5(clone): `.flags = (lower_32_bits(clone_flags) & ~CSIGNAL)`,
            // `.exit_signal = (lower_32_bits(clone_flags) & CSIGNAL)`. Slot 0 on x86_64, aarch64 and riscv64.
            new("clone", 0, 32, false, "lower_32_bits(clone_flags)"),
            // mm/mmap.c ksys_mmap_pgoff(): `file = fget(fd);`, include/linux/file.h `struct file *fget(unsigned int fd)`;
            // reached from arch/x86/kernel/sys_x86_64.c and arch/arm64/kernel/sys.c SYSCALL_DEFINE6(mmap).
            new("mmap", 4, 32, false, "fget(unsigned int fd)"),
            // mm/mmap.c SYSCALL_DEFINE6(mmap_pgoff) -> ksys_mmap_pgoff() `file = fget(fd);`
            new("mmap_pgoff", 4, 32, false, "fget(unsigned int fd)"),
            // fs/read_write.c do_readv(): `struct fd f = fdget_pos(fd);`, include/linux/file.h `fdget_pos(unsigned int fd)`
            new("readv", 0, 32, false, "fdget_pos(unsigned int fd)"),
            // fs/read_write.c vfs_readv(): `import_iovec(ITER_DEST, vec, vlen, ...)`; lib/iov_iter.c import_iovec(..., unsigned nr_segs, ...)
            new("readv", 2, 32, false, "import_iovec(..., unsigned nr_segs, ...)"),
            // fs/read_write.c do_writev(): `struct fd f = fdget_pos(fd);`
            new("writev", 0, 32, false, "fdget_pos(unsigned int fd)"),
            // fs/read_write.c vfs_writev(): `import_iovec(ITER_SOURCE, vec, vlen, ...)` (unsigned nr_segs)
            new("writev", 2, 32, false, "import_iovec(..., unsigned nr_segs, ...)"),
            // fs/read_write.c do_preadv(): `f = fdget(fd);`, `struct fd fdget(unsigned int fd)`
            new("preadv", 0, 32, false, "fdget(unsigned int fd)"),
            // fs/read_write.c do_preadv() -> vfs_readv() -> import_iovec(..., unsigned nr_segs, ...)
            new("preadv", 2, 32, false, "import_iovec(..., unsigned nr_segs, ...)"),
            // fs/read_write.c SYSCALL_DEFINE6(preadv2) -> do_preadv()/do_readv(): fdget(fd)/fdget_pos(fd)
            new("preadv2", 0, 32, false, "fdget(unsigned int fd)"),
            // fs/read_write.c -> vfs_readv() -> import_iovec(..., unsigned nr_segs, ...)
            new("preadv2", 2, 32, false, "import_iovec(..., unsigned nr_segs, ...)"),
            // fs/read_write.c do_pwritev(): `f = fdget(fd);`
            new("pwritev", 0, 32, false, "fdget(unsigned int fd)"),
            // fs/read_write.c -> vfs_writev() -> import_iovec(..., unsigned nr_segs, ...)
            new("pwritev", 2, 32, false, "import_iovec(..., unsigned nr_segs, ...)"),
            // fs/read_write.c SYSCALL_DEFINE6(pwritev2) -> do_pwritev()/do_writev(): fdget(fd)/fdget_pos(fd)
            new("pwritev2", 0, 32, false, "fdget(unsigned int fd)"),
            // fs/read_write.c -> vfs_writev() -> import_iovec(..., unsigned nr_segs, ...)
            new("pwritev2", 2, 32, false, "import_iovec(..., unsigned nr_segs, ...)"),
            // fs/splice.c SYSCALL_DEFINE4(vmsplice): `import_iovec(type, uiov, nr_segs, ...)` (unsigned nr_segs)
            new("vmsplice", 2, 32, false, "import_iovec(..., unsigned nr_segs, ...)"),
            // mm/process_vm_access.c process_vm_rw(): `import_iovec(dir, lvec, liovcnt, UIO_FASTIOV, &iov_l, &iter)`.
            // riovcnt (slot 4) is not narrowed: iovec_from_user(rvec, riovcnt, ...) takes unsigned long.
            new("process_vm_readv", 2, 32, false, "import_iovec(..., unsigned nr_segs, ...)"),
            new("process_vm_writev", 2, 32, false, "import_iovec(..., unsigned nr_segs, ...)"),
            // mm/madvise.c SYSCALL_DEFINE5(process_madvise): `import_iovec(ITER_DEST, vec, vlen, ARRAY_SIZE(iovstack), &iov, &iter)`
            new("process_madvise", 2, 32, false, "import_iovec(..., unsigned nr_segs, ...)"),
            // kernel/kcmp.c SYSCALL_DEFINE5(kcmp): KCMP_FILE `get_file_raw_ptr(task1, idx1)` and KCMP_EPOLL_TFD
            // kcmp_epoll_target() -> get_file_raw_ptr(task1, idx1), `get_file_raw_ptr(..., unsigned int idx)`; unread otherwise.
            new("kcmp", 3, 32, false, "get_file_raw_ptr(..., unsigned int idx)"),
            // mm/mempolicy.c kernel_mbind(): `int lmode = mode;` then sanitize_mpol_flags(&lmode, &mode_flags)
            new("mbind", 2, 32, true, "int lmode = mode"),
            // kernel/ptrace.c SYSCALL_DEFINE4(ptrace): `child = find_get_task_by_vpid(pid);`,
            // include/linux/sched.h `find_get_task_by_vpid(pid_t nr)`; unread for PTRACE_TRACEME.
            new("ptrace", 1, 32, true, "find_get_task_by_vpid(pid_t nr)"),
            // kernel/exit.c SYSCALL_DEFINE1(exit): `do_exit((error_code&0xff)<<8);`
            new("exit", 0, 8, false, "error_code & 0xff"),
            // kernel/exit.c SYSCALL_DEFINE1(exit_group): `do_group_exit((error_code & 0xff) << 8);`
            new("exit_group", 0, 8, false, "error_code & 0xff"),
            // kernel/sys.c SYSCALL_DEFINE1(umask): `mask = xchg(&current->fs->umask, mask & S_IRWXUGO);` (0777)
            new("umask", 0, 9, false, "mask & S_IRWXUGO"),
            // fs/open.c build_open_how(): `.mode = mode & S_IALLUGO,` (07777); zeroed unless O_CREAT or O_TMPFILE
            new("open", 2, 12, false, "mode & S_IALLUGO"),
            new("openat", 3, 12, false, "mode & S_IALLUGO"),
            // fs/open.c SYSCALL_DEFINE2(creat) -> do_sys_open() -> build_open_how() `.mode = mode & S_IALLUGO,`
            new("creat", 1, 12, false, "mode & S_IALLUGO"),
            // fs/open.c chmod_common(): `newattrs.ia_mode = (mode & S_IALLUGO) | (inode->i_mode & ~S_IALLUGO);`
            new("chmod", 1, 12, false, "mode & S_IALLUGO"),
            // fs/open.c vfs_fchmod() -> chmod_common()
            new("fchmod", 1, 12, false, "mode & S_IALLUGO"),
            // fs/open.c do_fchmodat() -> chmod_common()
            new("fchmodat", 2, 12, false, "mode & S_IALLUGO"),
            new("fchmodat2", 2, 12, false, "mode & S_IALLUGO"),
            // fs/namei.c vfs_mkdir(): `vfs_prepare_mode(idmap, dir, mode, S_IRWXUGO | S_ISVTX, 0)`, vfs_prepare_mode()
            // `mode &= (mask_perms & ~S_IFMT);` (01777)
            new("mkdir", 1, 10, false, "mode & (S_IRWXUGO | S_ISVTX)"),
            // fs/namei.c do_mkdirat() -> vfs_mkdir()
            new("mkdirat", 2, 10, false, "mode & (S_IRWXUGO | S_ISVTX)"),
        };

        private static readonly Dictionary<(string, int), Row> s_bySlot = Index();

        private static Dictionary<(string, int), Row> Index()
        {
            var d = new Dictionary<(string, int), Row>();
            foreach (var r in s_rows) d.Add((r.Syscall, r.Slot), r);
            return d;
        }

        public static IReadOnlyList<Row> All => s_rows;

        /// <summary>The narrowing of slot <paramref name="slot"/> of <paramref name="syscall"/>, or null.</summary>
        public static Row? Find(string syscall, int slot) => s_bySlot.TryGetValue((syscall, slot), out var r) ? r : null;
    }
}
