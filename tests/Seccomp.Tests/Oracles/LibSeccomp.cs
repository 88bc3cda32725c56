// An independent oracle for tests: compiles a seccomp policy with the system's libseccomp
// (libseccomp.so.2, e.g. Debian's 2.5.4) and returns the classic BPF program it produces.
// Constants below are from libseccomp's public header, /usr/include/seccomp.h.

#nullable enable

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Seccomp.Tests.Oracles;

/// <summary>One libseccomp rule. <see cref="Comparisons"/> are ANDed; an empty array means unconditional.
/// <see cref="Action"/> is the raw kernel return value (SECCOMP_RET_* | data), e.g. 0x7FFF0000 for ALLOW.</summary>
internal sealed record LibSeccompRule(string Syscall, uint Action, LibSeccompCmp[] Comparisons)
{
    public LibSeccompRule(string syscall, uint action) : this(syscall, action, Array.Empty<LibSeccompCmp>()) { }
}

/// <summary>A comparison on argument <see cref="Arg"/> (0..5). For <see cref="LibSeccompOp.MaskedEq"/>,
/// <see cref="Datum"/> is the mask and <see cref="Datum2"/> the expected value: (arg &amp; Datum) == Datum2.</summary>
internal readonly record struct LibSeccompCmp(int Arg, LibSeccompOp Op, ulong Datum, ulong Datum2 = 0);

/// <summary>Values of libseccomp's enum scmp_compare.</summary>
internal enum LibSeccompOp
{
    Ne = 1,
    Lt = 2,
    Le = 3,
    Eq = 4,
    Ge = 5,
    Gt = 6,
    MaskedEq = 7,
}

internal static class LibSeccomp
{
    private const string Lib = "libseccomp.so.2";

    /// <summary>Audit arch tokens (SCMP_ARCH_* = AUDIT_ARCH_*).</summary>
    internal const uint ArchX86_64 = 0xC000003E;
    internal const uint ArchAarch64 = 0xC00000B7;
    internal const uint ArchRiscv64 = 0xC00000F3;

    /// <summary>Raw actions (SCMP_ACT_* = SECCOMP_RET_*).</summary>
    internal const uint ActKillProcess = 0x80000000;
    internal const uint ActKillThread = 0x00000000;
    internal const uint ActTrap = 0x00030000;
    internal const uint ActErrnoBase = 0x00050000;
    internal const uint ActNotify = 0x7FC00000;
    internal const uint ActTraceBase = 0x7FF00000;
    internal const uint ActLog = 0x7FFC0000;
    internal const uint ActAllow = 0x7FFF0000;

    internal static uint ActErrno(int errno) => ActErrnoBase | ((uint)errno & 0xFFFF);
    internal static uint ActTrace(int data) => ActTraceBase | ((uint)data & 0xFFFF);

    private const uint ScmpArchNative = 0;          // SCMP_ARCH_NATIVE
    private const int ScmpFltatrActBadarch = 2;     // SCMP_FLTATR_ACT_BADARCH (enum scmp_filter_attr)
    private const int EACCES = 13;
    private const uint MfdCloexec = 1;              // MFD_CLOEXEC

    /// <summary>struct scmp_arg_cmp: { unsigned int arg; enum scmp_compare op; uint64 datum_a; uint64 datum_b; }
    /// 4 + 4 + 8 + 8 = 24 bytes; datum_a is at offset 8, already 8-aligned, so there is no padding.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct ScmpArgCmp
    {
        public uint Arg;
        public int Op;
        public ulong DatumA;
        public ulong DatumB;
    }

    [DllImport(Lib)]
    private static extern IntPtr seccomp_init(uint defAction);

    [DllImport(Lib)]
    private static extern void seccomp_release(IntPtr ctx);

    [DllImport(Lib)]
    private static extern int seccomp_attr_set(IntPtr ctx, int attr, uint value);

    [DllImport(Lib)]
    private static extern int seccomp_arch_add(IntPtr ctx, uint archToken);

    [DllImport(Lib)]
    private static extern int seccomp_arch_remove(IntPtr ctx, uint archToken);

    [DllImport(Lib)]
    private static extern uint seccomp_arch_native();

    [DllImport(Lib)]
    private static extern int seccomp_syscall_resolve_name_arch(uint archToken, [MarshalAs(UnmanagedType.LPUTF8Str)] string name);

    [DllImport(Lib)]
    private static extern int seccomp_rule_add_array(IntPtr ctx, uint action, int syscall, uint argCnt,
        [In] ScmpArgCmp[]? argArray);

    [DllImport(Lib)]
    private static extern int seccomp_syscall_resolve_name([MarshalAs(UnmanagedType.LPStr)] string name);

    [DllImport(Lib)]
    private static extern int seccomp_export_bpf(IntPtr ctx, int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int memfd_create([MarshalAs(UnmanagedType.LPUTF8Str)] string name, uint flags);

    /// <summary>seccomp_syscall_resolve_name_arch: the syscall number of <paramref name="name"/> on
    /// <paramref name="arch"/>; negative when unknown there (-1, or one of libseccomp's negative pseudo numbers
    /// for calls that exist on other arches only, e.g. socketcall on x86_64).</summary>
    internal static int ResolveSyscall(uint arch, string name) => seccomp_syscall_resolve_name_arch(arch, name);

    /// <summary>Compiles a filter with libseccomp and returns the exported program (struct sock_filter[],
    /// 8 bytes each: u16 code, u8 jt, u8 jf, u32 k, in the target's byte order: big-endian for s390x).</summary>
    /// <param name="extraSyscalls">Optional numbers for names this libseccomp does not know (e.g. calls added
    /// after its release, from data/syscalls-after-6.1.tsv); used only when resolution fails.</param>
    /// <exception cref="ArgumentException">A rule names a syscall that is unknown on <paramref name="arch"/>.</exception>
    /// <exception cref="InvalidOperationException">A libseccomp call failed (message: function and errno).</exception>
    /// <param name="optimize">libseccomp's SCMP_FLTATR_CTL_OPTIMIZE (2.5.0+): 1 orders the calls by priority (its
    /// default), 2 lays them out as a binary tree; 0 leaves the attribute alone.</param>
    internal static byte[] Compile(uint arch, uint defaultAction, IEnumerable<LibSeccompRule> rules,
        uint badArchAction = ActKillProcess, IReadOnlyDictionary<string, int>? extraSyscalls = null, int optimize = 0) =>
        Build(arch, defaultAction, rules, badArchAction, extraSyscalls, load: false, optimize);

    /// <summary>Builds the filter and installs it in this process with seccomp_load (no_new_privs and TSYNC on),
    /// the way a program using libseccomp at run time does. Never call this in a test host.</summary>
    internal static void Load(uint arch, uint defaultAction, IEnumerable<LibSeccompRule> rules,
        uint badArchAction = ActKillProcess, IReadOnlyDictionary<string, int>? extraSyscalls = null, int optimize = 0) =>
        Build(arch, defaultAction, rules, badArchAction, extraSyscalls, load: true, optimize);

    private const int ScmpFltatrCtlTsync = 4;       // SCMP_FLTATR_CTL_TSYNC
    private const int ScmpFltatrCtlOptimize = 8;    // SCMP_FLTATR_CTL_OPTIMIZE (after _NNP 3, _TSYNC 4, _TSKIP 5, _LOG 6, _SSB 7)

    [DllImport(Lib)]
    private static extern int seccomp_load(IntPtr ctx);

    private static byte[] Build(uint arch, uint defaultAction, IEnumerable<LibSeccompRule> rules,
        uint badArchAction, IReadOnlyDictionary<string, int>? extraSyscalls, bool load, int optimize = 0)
    {
        ArgumentNullException.ThrowIfNull(rules);
        IntPtr ctx = seccomp_init(defaultAction);
        if (ctx == IntPtr.Zero)
            throw new InvalidOperationException($"seccomp_init(0x{defaultAction:X8}) failed (invalid default action?)");
        try
        {
            Check(seccomp_attr_set(ctx, ScmpFltatrActBadarch, badArchAction), "seccomp_attr_set(SCMP_FLTATR_ACT_BADARCH)");
            if (optimize != 0)
                Check(seccomp_attr_set(ctx, ScmpFltatrCtlOptimize, (uint)optimize), "seccomp_attr_set(SCMP_FLTATR_CTL_OPTIMIZE)");

            // seccomp_init puts the native arch in the filter; make `arch` the only one. The native one goes first: a
            // filter's architectures must share a byte order (EDOM otherwise), and an empty filter takes any.
            if (arch != seccomp_arch_native())
            {
                Check(seccomp_arch_remove(ctx, ScmpArchNative), "seccomp_arch_remove(SCMP_ARCH_NATIVE)");
                Check(seccomp_arch_add(ctx, arch), $"seccomp_arch_add(0x{arch:X8})");
            }

            foreach (var rule in rules)
            {
                // seccomp_rule_add reads the number as the native architecture's (or one of libseccomp's negative
                // pseudo numbers) and translates it by name for each architecture in the filter; so a foreign
                // architecture's own number (aarch64's 201) would be read as the native one's (x86_64's 'time').
                bool isNative = arch == seccomp_arch_native();
                int nr = isNative ? ResolveSyscall(arch, rule.Syscall) : seccomp_syscall_resolve_name(rule.Syscall);
                if (nr == -1 && isNative && extraSyscalls is not null && extraSyscalls.TryGetValue(rule.Syscall, out int extra))
                    nr = extra;
                if (nr == -1)
                    throw new ArgumentException(
                        $"syscall '{rule.Syscall}' is unknown to libseccomp on arch 0x{arch:X8}", nameof(rules));

                var cmps = rule.Comparisons ?? Array.Empty<LibSeccompCmp>();
                var native = cmps.Select(c => new ScmpArgCmp
                {
                    Arg = checked((uint)c.Arg),
                    Op = (int)c.Op,
                    DatumA = c.Datum,
                    DatumB = c.Datum2,
                }).ToArray();

                int rc = seccomp_rule_add_array(ctx, rule.Action, nr, (uint)native.Length,
                    native.Length == 0 ? null : native);
                // libseccomp refuses a rule whose action equals the filter's default action with -EACCES
                // (it would be a no-op). The verdict is the same either way, so skip such rules silently.
                if (rc == -EACCES && rule.Action == defaultAction)
                    continue;
                Check(rc, $"seccomp_rule_add_array({rule.Syscall}, 0x{rule.Action:X8}, {cmps.Length} comparisons)");
            }

            if (load)
            {
                Check(seccomp_attr_set(ctx, ScmpFltatrCtlTsync, 1), "seccomp_attr_set(SCMP_FLTATR_CTL_TSYNC)");
                Check(seccomp_load(ctx), "seccomp_load");
                return Array.Empty<byte>();
            }
            return Export(ctx);
        }
        finally
        {
            seccomp_release(ctx);
        }
    }

    private static byte[] Export(IntPtr ctx)
    {
        int fd = memfd_create("libseccomp-oracle", MfdCloexec);
        if (fd < 0)
            throw new InvalidOperationException($"memfd_create failed: errno {Marshal.GetLastPInvokeError()}");
        using var handle = new SafeFileHandle((IntPtr)fd, ownsHandle: true);
        Check(seccomp_export_bpf(ctx, fd), "seccomp_export_bpf");
        long length = RandomAccess.GetLength(handle);
        var bytes = new byte[length];
        int read = 0;
        while (read < bytes.Length)
        {
            int n = RandomAccess.Read(handle, bytes.AsSpan(read), read);
            if (n <= 0)
                throw new InvalidOperationException($"short read of the exported filter ({read} of {length} bytes)");
            read += n;
        }
        if (bytes.Length % 8 != 0)
            throw new InvalidOperationException($"exported filter is {bytes.Length} bytes, not a multiple of 8");
        return bytes;
    }

    private static void Check(int rc, string what)
    {
        if (rc < 0)
            throw new InvalidOperationException($"{what} failed: errno {-rc}");
    }
}
