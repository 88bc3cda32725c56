using System.Collections.Generic;
using Seccomp.Compiler.Conditions;

using Seccomp.Compiler.Tables;

namespace Seccomp.Compiler.Analysis
{
    /// <summary>
    /// A call that defeats a sandbox when allowed. <see cref="DangerousArgs"/> is the set of argument vectors that do
    /// harm (every vector when null); a condition that keeps the call away from that set makes the allowance safe.
    /// </summary>
    internal sealed class DangerousCall
    {
        public DangerousCall(string syscall, string reason, string? what = null, string? advice = null,
            System.Func<ArgumentSets, ArchInfo, IReadOnlyList<Parameter>?, int>? dangerousArgs = null)
        {
            Syscall = syscall;
            Reason = reason;
            What = what;
            Advice = advice;
            DangerousArgs = dangerousArgs;
        }

        public string Syscall { get; }

        /// <summary>Why it is dangerous, as a clause.</summary>
        public string Reason { get; }

        /// <summary>For conditional dangers, what the condition must exclude, e.g. "with CLONE_NEWUSER".</summary>
        public string? What { get; }

        /// <summary>What to write instead.</summary>
        public string? Advice { get; }

        public System.Func<ArgumentSets, ArchInfo, IReadOnlyList<Parameter>?, int>? DangerousArgs { get; }
    }

    /// <summary>A call the .NET runtime makes while it runs, and what breaks when it is denied.</summary>
    internal sealed record RuntimeNeed(string Syscall, string Reason);

    /// <summary>Facts about calls that matter to a sandbox around a .NET process.</summary>
    internal static class SandboxFacts
    {
        /// <summary>The flags glibc's pthread_create passes to clone (and clone3) for a new thread.</summary>
        public const ulong ThreadCloneFlags =
            0x100 /* CLONE_VM */ | 0x200 /* CLONE_FS */ | 0x400 /* CLONE_FILES */ | 0x800 /* CLONE_SIGHAND */
            | 0x10000 /* CLONE_THREAD */ | 0x40000 /* CLONE_SYSVSEM */ | 0x80000 /* CLONE_SETTLS */
            | 0x100000 /* CLONE_PARENT_SETTID */ | 0x200000 /* CLONE_CHILD_CLEARTID */;

        public const string ThreadCloneFlagsText =
            "CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID";

        private const string UserNamespace =
            "a new user namespace gives the process every capability inside it and opens kernel code otherwise reserved to root (mounts, netfilter, ...)";

        private static ulong Constant(ArchInfo arch, string name, long fallback) =>
            unchecked((ulong)(Constants.TryGet(arch.Arch, name, out long v) ? v : fallback));

        /// <summary>clone's flags slot: 0, but 1 on s390x (CONFIG_CLONE_BACKWARDS2 puts the stack first).</summary>
        internal static int CloneFlagsSlot(IReadOnlyList<Parameter>? parameters)
        {
            if (parameters != null)
                foreach (var p in parameters)
                    if (p.Name == "clone_flags") return p.Index;
            return 0;
        }

        private static ArgType TypeOf(IReadOnlyList<Parameter>? parameters, int index, ArgType fallback) =>
            parameters != null && index < parameters.Count ? parameters[index].Type : fallback;

        /// <summary>Argument <paramref name="index"/> has some bit of <paramref name="mask"/> set.</summary>
        private static int AnyBit(ArgumentSets s, IReadOnlyList<Parameter>? parameters, int index, ulong mask)
        {
            var t = TypeOf(parameters, index, ArgType.Unknown64);
            return s.Compare(new CompareCondition(index, t, mask & t.WidthMask, CompareOp.Ne, 0));
        }

        private const string DeviceNode =
            "a character or block device node opens the device behind it (a disk, kernel memory, a terminal) to whoever may open the node, "
            + "whatever the permissions of the device's usual node; with CAP_MKNOD, as root in a container has, that bypasses the file system";

        private const string DeviceNodeAdvice = "allow only regular files and FIFOs: When = \"" + Policy.SyscallGroups.NoDeviceNodes + "\"";

        /// <summary>mknod and mknodat calls whose mode's file type (S_IFMT) is S_IFCHR or S_IFBLK (fs/namei.c may_mknod()).</summary>
        private static int DeviceModes(ArgumentSets s, ArchInfo arch, IReadOnlyList<Parameter>? parameters)
        {
            int index = -1;
            if (parameters != null)
                foreach (var p in parameters)
                    if (p.Name == "mode") index = p.Index;
            if (index < 0) return ArgumentSets.True;
            var t = parameters![index].Type;
            ulong ifmt = Constant(arch, "S_IFMT", 0xf000) & t.WidthMask;
            int chr = s.Compare(new CompareCondition(index, t, ifmt, CompareOp.Eq, Constant(arch, "S_IFCHR", 0x2000) & t.WidthMask));
            int blk = s.Compare(new CompareCondition(index, t, ifmt, CompareOp.Eq, Constant(arch, "S_IFBLK", 0x6000) & t.WidthMask));
            return s.Or(chr, blk);
        }

        public static IReadOnlyList<DangerousCall> Dangerous { get; } = new[]
        {
            new DangerousCall("ptrace",
                "ptrace reads and writes the memory and registers of other processes of the same user, and a tracer can change a call after the filter has checked it"),
            new DangerousCall("process_vm_writev", "process_vm_writev writes into the memory of other processes of the same user"),
            new DangerousCall("bpf", "bpf loads programs into the kernel: a large attack surface, and a way to read kernel memory where unprivileged BPF is enabled"),
            new DangerousCall("userfaultfd",
                "userfaultfd lets the process stop the kernel in the middle of a copy from its memory, a standard step of kernel exploits"),
            new DangerousCall("io_uring_setup",
                "io_uring does file and network I/O (openat, connect, read, write, ...) from kernel workers this filter never sees, so every other rule can be bypassed"),
            new DangerousCall("keyctl", "the kernel keyrings are not namespaced: keyctl reaches keys of other services and containers of the same user"),
            new DangerousCall("add_key", "the kernel keyrings are not namespaced: add_key stores keys beside those of other services and containers"),
            new DangerousCall("request_key", "the kernel keyrings are not namespaced: request_key reaches keys of other services and containers"),
            new DangerousCall("unshare", UserNamespace, "with CLONE_NEWUSER",
                "add [Deny(\"unshare\", When = \"unshare_flags & CLONE_NEWUSER\")]",
                (s, arch, p) => AnyBit(s, p, 0, Constant(arch, "CLONE_NEWUSER", 0x10000000))),
            new DangerousCall("clone", UserNamespace, "with CLONE_NEWUSER",
                "add [Deny(\"clone\", When = \"clone_flags & CLONE_NEWUSER\")]",
                (s, arch, p) => AnyBit(s, p, CloneFlagsSlot(p), Constant(arch, "CLONE_NEWUSER", 0x10000000))),
            new DangerousCall("clone3",
                "clone3 passes its flags in memory the filter cannot read, so CLONE_NEWUSER cannot be excluded: " + UserNamespace,
                advice: "add [Deny(\"clone3\", Errno = Errno.ENOSYS)]: glibc then creates threads with clone, which a condition can check"),
            new DangerousCall("personality",
                "personality can turn off address-space randomization (ADDR_NO_RANDOMIZE) or make readable memory executable (READ_IMPLIES_EXEC)",
                "with ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC, ADDR_COMPAT_LAYOUT or MMAP_PAGE_ZERO",
                "allow only the harmless values, e.g. When = \"personality in (0, 8, 0x20000, 0x20008, 0xffffffff)\"",
                (s, arch, p) =>
                {
                    ulong bits = Constant(arch, "ADDR_NO_RANDOMIZE", 0x40000) | Constant(arch, "READ_IMPLIES_EXEC", 0x400000)
                        | Constant(arch, "ADDR_COMPAT_LAYOUT", 0x200000) | Constant(arch, "MMAP_PAGE_ZERO", 0x100000);
                    var t = TypeOf(p, 0, new ArgType(32, false, false, "unsigned int"));
                    // 0xffffffff only asks for the current persona and changes nothing.
                    var query = s.Compare(new CompareCondition(0, t, t.WidthMask, CompareOp.Eq, 0xffffffffUL & t.WidthMask));
                    return s.Minus(AnyBit(s, p, 0, bits), query);
                }),
            new DangerousCall("kexec_load", "kexec_load loads a new kernel to boot into"),
            new DangerousCall("kexec_file_load", "kexec_file_load loads a new kernel to boot into"),
            new DangerousCall("init_module", "init_module loads code into the kernel"),
            new DangerousCall("finit_module", "finit_module loads code into the kernel"),
            new DangerousCall("mknod", DeviceNode, "with S_IFCHR or S_IFBLK in mode (a device node)", DeviceNodeAdvice,
                (s, arch, p) => DeviceModes(s, arch, p)),
            new DangerousCall("mknodat", DeviceNode, "with S_IFCHR or S_IFBLK in mode (a device node)", DeviceNodeAdvice,
                (s, arch, p) => DeviceModes(s, arch, p)),
            new DangerousCall("mount", "mount changes the file system every process of the mount namespace sees"),
            // The new mount API does what mount does, a step at a time.
            new DangerousCall("fsopen", NewMountApi("fsopen")),
            new DangerousCall("fsconfig", NewMountApi("fsconfig")),
            new DangerousCall("fsmount", NewMountApi("fsmount")),
            new DangerousCall("fspick", NewMountApi("fspick")),
            new DangerousCall("move_mount", NewMountApi("move_mount")),
            new DangerousCall("open_tree", NewMountApi("open_tree")),
            new DangerousCall("mount_setattr", NewMountApi("mount_setattr")),
            new DangerousCall("umount2", "umount2 removes mounts every process of the mount namespace sees, uncovering what they hid"),
            new DangerousCall("pivot_root", "pivot_root changes the root file system of the mount namespace: the way into or out of a container's view"),
            new DangerousCall("chroot", "chroot changes the process's root directory; with a directory descriptor kept open it is a known way out of a chroot"),
            new DangerousCall("setns", "setns joins another process's namespaces (mount, network, PID, user): out of the container's view of the system"),
            new DangerousCall("open_by_handle_at",
                "open_by_handle_at opens any file of a file system by its handle, past directory permissions and out of a chroot or container (the \"shocker\" escape)"),
            new DangerousCall("reboot", "reboot restarts, halts or powers off the machine, or loads a kernel for kexec"),
            new DangerousCall("swapon", "swapon adds swap space: the memory of every process may be written to that device"),
            new DangerousCall("swapoff", "swapoff removes swap space the whole machine relies on"),
            new DangerousCall("iopl", "iopl gives the process direct access to every I/O port of the machine"),
            new DangerousCall("ioperm", "ioperm gives the process direct access to I/O ports of the machine"),
            new DangerousCall("perf_event_open",
                "perf_event_open observes other processes and the kernel (timing side channels, kernel addresses) and is a large attack surface"),
            new DangerousCall("process_vm_readv", "process_vm_readv reads the memory of other processes of the same user: their secrets and keys"),
            new DangerousCall("kcmp", "kcmp tells whether two processes share kernel objects, which reveals kernel pointer ordering to an attacker"),
            new DangerousCall("settimeofday", SetsTheClock("settimeofday")),
            new DangerousCall("clock_settime", SetsTheClock("clock_settime")),
            new DangerousCall("clock_adjtime", SetsTheClock("clock_adjtime")),
            new DangerousCall("adjtimex", SetsTheClock("adjtimex")),
            new DangerousCall("acct", "acct turns process accounting on or off for the whole machine, or writes its records into a file of the caller's choice"),
            new DangerousCall("ioctl",
                "TIOCSTI pushes characters into a terminal's input, as if typed, and TIOCLINUX can do the same through the console: commands run in the shell that owns the terminal",
                "with TIOCSTI or TIOCLINUX",
                "allow only the requests the program makes, e.g. When = \"cmd in (TCGETS, TIOCGWINSZ, FIONBIO)\"",
                (s, arch, p) =>
                {
                    var t = TypeOf(p, 1, new ArgType(32, false, false, "unsigned int"));
                    int sti = s.Compare(new CompareCondition(1, t, t.WidthMask, CompareOp.Eq, Constant(arch, "TIOCSTI", 0x5412) & t.WidthMask));
                    int linux = s.Compare(new CompareCondition(1, t, t.WidthMask, CompareOp.Eq, Constant(arch, "TIOCLINUX", 0x541c) & t.WidthMask));
                    return s.Or(sti, linux);
                }),
            new DangerousCall("socket",
                "packet and raw sockets see and forge every packet of the network namespace's interfaces (with CAP_NET_RAW, as root in a container has)",
                "with AF_PACKET, or SOCK_RAW or SOCK_PACKET in AF_INET or AF_INET6",
                "allow only the families and types the program uses, e.g. When = \"domain in (AF_UNIX, AF_INET, AF_INET6) && (type & 0xf) in (SOCK_STREAM, SOCK_DGRAM)\"",
                (s, arch, p) =>
                {
                    var family = TypeOf(p, 0, new ArgType(32, true, false, "int"));
                    var type = TypeOf(p, 1, new ArgType(32, true, false, "int"));
                    int packet = s.Compare(new CompareCondition(0, family, family.WidthMask, CompareOp.Eq, Constant(arch, "AF_PACKET", 17) & family.WidthMask));
                    // The low four bits are the type (SOCK_TYPE_MASK); the rest are SOCK_NONBLOCK and SOCK_CLOEXEC. A raw
                    // netlink socket (getaddrinfo's NETLINK_ROUTE query) is not a packet socket: only IP's raw types count.
                    int ip = s.Or(s.Compare(new CompareCondition(0, family, family.WidthMask, CompareOp.Eq, Constant(arch, "AF_INET", 2) & family.WidthMask)),
                        s.Compare(new CompareCondition(0, family, family.WidthMask, CompareOp.Eq, Constant(arch, "AF_INET6", 10) & family.WidthMask)));
                    int raw = s.Or(s.Compare(new CompareCondition(1, type, 0xf, CompareOp.Eq, Constant(arch, "SOCK_RAW", 3) & 0xf)),
                        s.Compare(new CompareCondition(1, type, 0xf, CompareOp.Eq, Constant(arch, "SOCK_PACKET", 10) & 0xf)));
                    return s.Or(packet, s.And(ip, raw));
                }),
        };

        private static string NewMountApi(string call) =>
            call + " is part of the mount API: it changes the file system every process of the mount namespace sees, as mount does";

        private static string SetsTheClock(string call) =>
            call + " sets the machine's clock for every process: certificates, tokens and logs all trust it";

        /// <summary>
        /// Calls that start programs or processes: not dangerous by themselves (the new program runs under the same
        /// filter), but each widens what the sandbox holds, so an allowance is a decision to review (SECC0044). clone
        /// counts when it can make a process (no CLONE_THREAD) without new namespaces; threads are not noted.
        /// </summary>
        public static IReadOnlyList<DangerousCall> Review { get; } = new[]
        {
            new DangerousCall("execve", "execve runs another program: whatever it does, the policy must allow it too"),
            new DangerousCall("execveat", "execveat runs another program: whatever it does, the policy must allow it too"),
            new DangerousCall("fork", "fork starts a process: a copy of this one under the same filter"),
            new DangerousCall("vfork", "vfork starts a process, in practice to run another program"),
            new DangerousCall("clone", "clone without CLONE_THREAD starts a process, in practice to run another program", "without CLONE_THREAD", null,
                (s, arch, p) =>
                {
                    int slot = CloneFlagsSlot(p);
                    var t = TypeOf(p, slot, ArgType.Unknown64);
                    ulong thread = Constant(arch, "CLONE_THREAD", 0x10000);
                    return s.Compare(new CompareCondition(slot, t, thread & t.WidthMask, CompareOp.Eq, 0));
                }),
        };

        /// <summary>
        /// Calls the runtime makes after start-up (strace of .NET 10 programs, data/dotnet-syscalls-x86_64.tsv) whose
        /// denial stops threads, the GC or the JIT. clone and clone3 are checked together, apart from these.
        /// </summary>
        public static IReadOnlyList<RuntimeNeed> RuntimeNeeds { get; } = new[]
        {
            new RuntimeNeed("futex", "every lock, Monitor and thread-pool wait blocks on futex"),
            new RuntimeNeed("mmap", "the GC heap, JIT-compiled code and thread stacks are mapped, protected and released with mmap, mprotect, munmap and madvise"),
            new RuntimeNeed("mprotect", "the GC heap, JIT-compiled code and thread stacks are mapped, protected and released with mmap, mprotect, munmap and madvise"),
            new RuntimeNeed("munmap", "the GC heap, JIT-compiled code and thread stacks are mapped, protected and released with mmap, mprotect, munmap and madvise"),
            new RuntimeNeed("madvise", "the GC heap, JIT-compiled code and thread stacks are mapped, protected and released with mmap, mprotect, munmap and madvise"),
            new RuntimeNeed("membarrier", "the GC suspends threads with membarrier (FlushProcessWriteBuffers)"),
            new RuntimeNeed("tgkill", "the GC suspends running threads by signalling them with tgkill"),
            new RuntimeNeed("rt_sigreturn", "every signal handler, the GC's suspension signal among them, returns through rt_sigreturn"),
            new RuntimeNeed("rt_sigprocmask", "new threads set up their signal masks, handlers and alternate stacks"),
            new RuntimeNeed("rt_sigaction", "new threads set up their signal masks, handlers and alternate stacks"),
            new RuntimeNeed("sigaltstack", "new threads set up their signal masks, handlers and alternate stacks"),
            new RuntimeNeed("sched_getaffinity", "the runtime sizes the thread pool and the GC from sched_getaffinity"),
            new RuntimeNeed("rseq", "glibc registers every new thread with rseq"),
            new RuntimeNeed("exit", "threads end with exit and the process with exit_group"),
            new RuntimeNeed("exit_group", "threads end with exit and the process with exit_group"),
        };
    }
}
