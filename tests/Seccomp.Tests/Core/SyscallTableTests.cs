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

    public static readonly TheoryData<SeccompArch> Archs = new() { SeccompArch.X86_64, SeccompArch.Aarch64, SeccompArch.Riscv64 };

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
        int highest = KernelTable(arch).Max(r => r.Number);
        Assert.Equal(highest, ArchInfo.Get(arch).MaxSyscall);
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
        foreach (var arch in new[] { CoreArch.X86_64, CoreArch.Aarch64, CoreArch.Riscv64 })
            Assert.False(ArchInfo.Get(arch).TryGetNumber("listns", out _), $"listns (6.19) is in the {arch} table");
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
        Assert.True(rows.Count > 300, $"{file}: only {rows.Count} rows for {arch}");
        return rows;
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
