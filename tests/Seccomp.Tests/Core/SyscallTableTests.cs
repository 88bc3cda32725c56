using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Seccomp.Compiler;
using Seccomp.Tests.Support;
using Xunit;

namespace Seccomp.Tests;

/// <summary>
/// The generated syscall tables (Debian's Linux 6.1 uapi headers plus the calls added up to 6.18, see
/// eng/gen-tables.py) hold exactly the calls of the kernel's own Linux 6.18 syscall tables in data/kernel-tables/,
/// an independent list the generator does not read.
/// </summary>
public class SyscallTableTests
{
    /// <summary>The release data/kernel-tables/ holds and the README names as the tables' newest.</summary>
    private const string Kernel = "6.18";

    public static readonly TheoryData<SeccompArch> Archs = new()
    {
        SeccompArch.X86_64, SeccompArch.Aarch64, SeccompArch.Riscv64, SeccompArch.Arm, SeccompArch.Ppc64le,
        SeccompArch.S390x, SeccompArch.Loongarch64,
    };

    /// <summary>
    /// Rows of the kernel table that may legitimately differ from ours, per architecture, each with its reason:
    /// (name, number, true) when the kernel has it and we do not, (name, number, false) the other way round.
    /// Empty: on Linux 6.18 the tables agree row for row.
    /// </summary>
    private static readonly Dictionary<CoreArch, (string Name, int Number, bool OnlyInKernel)[]> Exceptions = new()
    {
        [CoreArch.X86_64] = Array.Empty<(string, int, bool)>(),
        [CoreArch.Aarch64] = Array.Empty<(string, int, bool)>(),
        [CoreArch.Riscv64] = Array.Empty<(string, int, bool)>(),
        [CoreArch.Arm] = Array.Empty<(string, int, bool)>(),
        [CoreArch.Ppc64le] = Array.Empty<(string, int, bool)>(),
        [CoreArch.S390x] = Array.Empty<(string, int, bool)>(),
        [CoreArch.Loongarch64] = Array.Empty<(string, int, bool)>(),
    };

    [Theory]
    [MemberData(nameof(Archs))]
    public void TableEqualsTheKernelsOwnTable(SeccompArch runtimeArch)
    {
        var arch = (CoreArch)runtimeArch;
        var kernel = KernelTable(arch);
        var ours = new HashSet<(string, int)>(ArchInfo.Get(arch).Syscalls.Select(kv => (kv.Key, kv.Value)));
        var exceptions = Exceptions[arch];

        var onlyKernel = kernel.Except(ours).Where(r => !exceptions.Contains((r.Item1, r.Item2, true))).OrderBy(r => r.Item2).ToList();
        var onlyOurs = ours.Except(kernel).Where(r => !exceptions.Contains((r.Item1, r.Item2, false))).OrderBy(r => r.Item2).ToList();
        Assert.True(onlyKernel.Count == 0 && onlyOurs.Count == 0,
            $"{arch}: {ours.Count} calls in our table, {kernel.Count} in Linux {Kernel}'s.\n"
            + $"  only in the kernel's table: {string.Join(", ", onlyKernel.Select(r => $"{r.Item1} {r.Item2}"))}\n"
            + $"  only in ours: {string.Join(", ", onlyOurs.Select(r => $"{r.Item1} {r.Item2}"))}");

        // An exception that no longer applies is stale: drop it from the list.
        foreach (var (name, number, onlyInKernel) in exceptions)
            Assert.True(onlyInKernel ? kernel.Contains((name, number)) && !ours.Contains((name, number))
                                     : ours.Contains((name, number)) && !kernel.Contains((name, number)),
                $"{arch}: exception {name} {number} no longer applies");
    }

    [Theory]
    [MemberData(nameof(Archs))]
    public void MaxSyscallIsTheKernelTablesHighestNumber(SeccompArch runtimeArch)
    {
        var arch = (CoreArch)runtimeArch;
        var info = ArchInfo.Get(arch);
        // arm's private calls (0x0f0000 up) are numbered apart: the highest table number is what newer calls follow.
        int highest = KernelTable(arch).Where(r => info.PrivateBase < 0 || r.Number < info.PrivateBase).Max(r => r.Number);
        Assert.Equal(highest, info.MaxSyscall);
        if (arch == CoreArch.Arm)
        {
            Assert.Equal(0x0f0006, info.MaxPrivateSyscall);
            Assert.True(info.IsKnownNumber(0x0f0002));
            Assert.False(info.IsKnownNumber(0x0f0000));
            Assert.False(info.IsKnownNumber((uint)highest + 1));
        }
        else Assert.Equal(-1, info.MaxPrivateSyscall);
    }

    /// <summary>The runtime's seccomp(2) number per .NET architecture (a constant, the startup hook has no tables)
    /// is the table's, and each .NET architecture maps to the policy architecture whose table that is.</summary>
    [Fact]
    public void TheLoadersSeccompNumberIsTheTablesOnEveryArchitecture()
    {
        var cases = new (System.Runtime.InteropServices.Architecture Net, CoreArch Arch)[]
        {
            (System.Runtime.InteropServices.Architecture.X64, CoreArch.X86_64),
            (System.Runtime.InteropServices.Architecture.Arm64, CoreArch.Aarch64),
            ((System.Runtime.InteropServices.Architecture)9, CoreArch.Riscv64),
            (System.Runtime.InteropServices.Architecture.Arm, CoreArch.Arm),
            (System.Runtime.InteropServices.Architecture.Armv6, CoreArch.Arm),
            (System.Runtime.InteropServices.Architecture.Ppc64le, CoreArch.Ppc64le),
            (System.Runtime.InteropServices.Architecture.S390x, CoreArch.S390x),
            (System.Runtime.InteropServices.Architecture.LoongArch64, CoreArch.Loongarch64),
        };
        // The runtime's copy (HostArchitecture is linked into the compiler core too, under the same name).
        var of = typeof(SeccompProgram).Assembly.GetType("Seccomp.Common.HostArchitecture", throwOnError: true)!
            .GetMethod("SeccompSyscallNumberOf")!;
        long Number(System.Runtime.InteropServices.Architecture a) => (long)of.Invoke(null, new object[] { a })!;
        foreach (var (net, arch) in cases)
        {
            Assert.True(ArchInfo.Get(arch).TryGetNumber("seccomp", out int nr));
            Assert.Equal(nr, Number(net));
        }
        Assert.Equal(-1, Number(System.Runtime.InteropServices.Architecture.X86));
    }

    /// <summary>Audit tokens as include/uapi/linux/audit.h builds them (EM_* | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE), and
    /// the byte order that follows from them.</summary>
    [Fact]
    public void AuditTokensAndByteOrder()
    {
        Assert.Equal(0x40000028u, ArchInfo.Get(CoreArch.Arm).AuditArch);       // EM_ARM 40 | LE
        Assert.Equal(0xC0000015u, ArchInfo.Get(CoreArch.Ppc64le).AuditArch);   // EM_PPC64 21 | 64BIT | LE
        Assert.Equal(0x80000016u, ArchInfo.Get(CoreArch.S390x).AuditArch);     // EM_S390 22 | 64BIT
        Assert.Equal(0xC0000102u, ArchInfo.Get(CoreArch.Loongarch64).AuditArch); // EM_LOONGARCH 258 | 64BIT | LE
        foreach (var a in ArchInfo.All)
            Assert.Equal(a.Arch == CoreArch.S390x, a.BigEndian);
        Assert.Equal(32, ArchInfo.Get(CoreArch.Arm).RegisterBits);
        Assert.All(ArchInfo.All.Where(a => a.Arch != CoreArch.Arm), a => Assert.Equal(64, a.RegisterBits));
    }

    [Fact]
    public void KnownNumbersOfTheArchitectureOnlyCalls()
    {
        Assert.True(ArchInfo.Get(CoreArch.X86_64).TryGetNumber("uretprobe", out int uretprobe));
        Assert.Equal(335, uretprobe);
        Assert.True(ArchInfo.Get(CoreArch.X86_64).TryGetNumber("uprobe", out int uprobe));
        Assert.Equal(336, uprobe);
        Assert.True(ArchInfo.Get(CoreArch.Riscv64).TryGetNumber("riscv_hwprobe", out int hwprobe));
        Assert.Equal(258, hwprobe);
        foreach (var info in ArchInfo.All)
            Assert.False(info.TryGetNumber("listns", out _), $"listns (6.19) is in the {info.Arch} table");
        // arm: mmap2 and the time64 calls glibc 2.35 uses, no OABI-only mmap, socketcall or ipc; the private calls.
        var arm = ArchInfo.Get(CoreArch.Arm);
        Assert.True(arm.TryGetNumber("mmap2", out int mmap2)); Assert.Equal(192, mmap2);
        Assert.True(arm.TryGetNumber("clock_gettime64", out int cg64)); Assert.Equal(403, cg64);
        Assert.True(arm.TryGetNumber("cacheflush", out int cacheflush)); Assert.Equal(0x0f0002, cacheflush);
        Assert.True(arm.TryGetNumber("set_tls", out int setTls)); Assert.Equal(0x0f0005, setTls);
        foreach (var oabiOnly in new[] { "mmap", "socketcall", "ipc", "time", "select" })
            Assert.False(arm.TryGetNumber(oabiOnly, out _), $"{oabiOnly} is OABI-only on arm");
        // ppc64le and s390x keep the multiplexers next to the direct socket and IPC calls.
        foreach (var (arch, socketcall, ipc, socket) in new[] { (CoreArch.Ppc64le, 102, 117, 326), (CoreArch.S390x, 102, 117, 359) })
        {
            Assert.True(ArchInfo.Get(arch).TryGetNumber("socketcall", out int sc)); Assert.Equal(socketcall, sc);
            Assert.True(ArchInfo.Get(arch).TryGetNumber("ipc", out int i)); Assert.Equal(ipc, i);
            Assert.True(ArchInfo.Get(arch).TryGetNumber("socket", out int so)); Assert.Equal(socket, so);
        }
        // s390x has no syscall 0 (it multiplexes large numbers); loongarch64 has no getrlimit, but fstat since 6.11.
        Assert.False(ArchInfo.Get(CoreArch.S390x).TryGetName(0, out _));
        Assert.False(ArchInfo.Get(CoreArch.Loongarch64).TryGetNumber("getrlimit", out _));
        Assert.True(ArchInfo.Get(CoreArch.Loongarch64).TryGetNumber("fstat", out int fstat)); Assert.Equal(80, fstat);
        Assert.False(ArchInfo.Get(CoreArch.Aarch64).TryGetNumber("riscv_hwprobe", out _));
        Assert.False(ArchInfo.Get(CoreArch.Aarch64).TryGetNumber("uprobe", out _));
    }

    /// <summary>The (name, number) rows of Linux 6.18's table that this architecture's 64-bit ABI builds.</summary>
    private static HashSet<(string Name, int Number)> KernelTable(CoreArch arch)
    {
        // scripts/Makefile.asm-headers: syscall_abis_64 += common,64; each architecture's Makefile.syscalls adds more.
        var abis = new HashSet<string>(StringComparer.Ordinal) { "common", "64" };
        string file;
        switch (arch)
        {
            case CoreArch.X86_64:
                file = "syscall_64.tbl"; // its ABIs are common, 64 and x32; x32 is another ABI
                break;
            case CoreArch.Aarch64:
                file = "syscall.tbl";
                abis.UnionWith(ExtraAbis("arm64-Makefile.syscalls"));
                break;
            case CoreArch.Riscv64:
                file = "syscall.tbl";
                abis.UnionWith(ExtraAbis("riscv-Makefile.syscalls"));
                break;
            case CoreArch.Loongarch64:
                file = "syscall.tbl";
                abis.UnionWith(ExtraAbis("loongarch-Makefile.syscalls"));
                break;
            case CoreArch.Arm:
                // arch/arm/tools: EABI builds the common and eabi rows (oabi rows are the old ABI, which has no
                // seccomp filters); the private calls are in its uapi asm/unistd.h, not in the table.
                file = "arm-syscall.tbl";
                abis = new HashSet<string>(StringComparer.Ordinal) { "common", "eabi" };
                break;
            case CoreArch.Ppc64le:
                // arch/powerpc/kernel/syscalls/Makefile: unistd_64.h is built from common, 64 and nospu (spu rows are
                // the Cell SPUs' list, a subset; 32 rows are the 32-bit ABI).
                file = "powerpc-syscall.tbl";
                abis.Add("nospu");
                break;
            case CoreArch.S390x:
                file = "s390-syscall.tbl";
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(arch));
        }

        var rows = new HashSet<(string, int)>();
        foreach (var line in File.ReadLines(Paths.Data(Path.Combine("kernel-tables", file))))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            // <number> <abi> <name> [<entry point> [<compat entry point>]], separated by tabs or spaces.
            var cols = line.Split(new[] { '\t', ' ' }, StringSplitOptions.RemoveEmptyEntries);
            if (cols.Length == 0) continue;
            Assert.True(cols.Length >= 3, $"{file}: malformed row '{line}'");
            if (abis.Contains(cols[1])) rows.Add((cols[2], int.Parse(cols[0])));
        }
        if (arch == CoreArch.Arm) rows.UnionWith(ArmPrivateCalls());
        Assert.True(rows.Count > 300, $"{file}: only {rows.Count} rows for {arch}");
        return rows;
    }

    /// <summary>#define __ARM_NR_name (__ARM_NR_BASE+n) in arch/arm/include/uapi/asm/unistd.h, __ARM_NR_BASE being
    /// 0x0f0000 on EABI (__NR_SYSCALL_BASE 0).</summary>
    private static IEnumerable<(string, int)> ArmPrivateCalls()
    {
        var rx = new System.Text.RegularExpressions.Regex(@"^#define\s+__ARM_NR_(\w+)\s+\(__ARM_NR_BASE\+(\d+)\)");
        var calls = File.ReadLines(Paths.Data(Path.Combine("kernel-tables", "arm-unistd.h")))
            .Select(l => rx.Match(l)).Where(m => m.Success)
            .Select(m => (m.Groups[1].Value, 0x0f0000 + int.Parse(m.Groups[2].Value))).ToList();
        Assert.Equal(6, calls.Count);
        return calls;
    }

    private static IEnumerable<string> ExtraAbis(string makefile)
    {
        const string prefix = "syscall_abis_64";
        var line = File.ReadLines(Paths.Data(Path.Combine("kernel-tables", makefile)))
            .Single(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line.Substring(line.IndexOf("+=", StringComparison.Ordinal) + 2)
            .Split(new[] { ' ', '\t', ',' }, StringSplitOptions.RemoveEmptyEntries);
    }
}
