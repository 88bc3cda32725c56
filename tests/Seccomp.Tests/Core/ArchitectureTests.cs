using System;
using System.Linq;
using Seccomp.Compiler;
using Seccomp.Compiler.Bpf;
using Seccomp.Compiler.Diagnostics;
using Seccomp.Compiler.Policy;
using Seccomp.Tests.Support;
using Xunit;

namespace Seccomp.Tests;

/// <summary>
/// What differs per architecture (issue 23): compat tasks sent to BadArchAction, s390x's word order, arm's 32-bit
/// registers and register pairs, s390x's clone and mmap, the socketcall/ipc multiplexers of ppc64le and s390x, arm's
/// private calls, and each program's byte order. Each generated program is also run against the reference evaluator.
/// </summary>
public class ArchitectureTests
{
    private static PolicyModel Policy(CoreArch arch, CoreVerdict defaultAction, params RuleModel[] rules) => new(
        defaultAction, CoreVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
        EquatableArray.From(new[] { arch }), EquatableArray.From(rules));

    private static RuleModel Rule(int index, CoreVerdict action, string? when, params string[] names) =>
        new(index, action, EquatableArray.From(names), when);

    private static int Nr(CoreArch arch, string name) =>
        ArchInfo.Get(arch).TryGetNumber(name, out int nr) ? nr : throw new ArgumentException($"{name} is not in the {arch} table");

    /// <summary>The program's verdict, checked against the reference evaluator on the same input.</summary>
    private static string Run(PolicyCompilation compilation, CoreArch arch, int nr, params ulong[] args)
    {
        var compiled = compilation.Program(arch);
        var program = new SeccompProgram((SeccompArch)arch, compiled.ToBytes());
        var all = new ulong[6];
        args.CopyTo(all, 0);
        var got = program.Run(new SeccompData(nr, program.AuditArch, 0, all), out _);
        var expected = ReferenceEvaluator.Evaluate(compiled.Resolved, program.AuditArch, (uint)nr, all);
        Assert.Equal(expected.ToString(), got.ToString());
        return got.ToString();
    }

    private static PolicyCompilation Compile(PolicyModel model)
    {
        var compilation = PolicyCompiler.Compile(model);
        Assert.True(!compilation.HasErrors, string.Join("; ", compilation.Errors.Select(e => e.Message)));
        return compilation;
    }

    [Theory]
    [InlineData(SeccompArch.Aarch64, 0x40000028u)]  // AArch32 tasks on an arm64 kernel
    [InlineData(SeccompArch.Ppc64le, 0x40000014u)]  // 32-bit powerpc (AUDIT_ARCH_PPC | LE)
    [InlineData(SeccompArch.Ppc64le, 0x00000014u)]  // 32-bit big-endian powerpc
    [InlineData(SeccompArch.S390x, 0x00000016u)]    // 31-bit s390 tasks on an s390x kernel
    [InlineData(SeccompArch.X86_64, 0x40000003u)]   // i386 on x86_64
    public void CompatTasksGetTheBadArchAction(SeccompArch runtimeArch, uint compatToken)
    {
        var arch = (CoreArch)runtimeArch;
        var model = Policy(arch, CoreVerdict.Allow) with { BadArchAction = new CoreVerdict(CoreAction.Trap, 7) };
        var program = new SeccompProgram(runtimeArch, Compile(model).Program(arch).ToBytes());
        for (int nr = 0; nr < 500; nr += 7)
            Assert.Equal("TRAP(7)", program.Run(new SeccompData(nr, compatToken, 0, new ulong[6]), out _).ToString());
        Assert.Equal("ALLOW", program.Run(Nr(arch, "read")).ToString());
    }

    [Theory]
    [InlineData(SeccompArch.Arm)]
    [InlineData(SeccompArch.Ppc64le)]
    [InlineData(SeccompArch.S390x)]
    [InlineData(SeccompArch.Loongarch64)]
    public void X32HandlingStaysOnX86_64(SeccompArch runtimeArch)
    {
        var arch = (CoreArch)runtimeArch;
        var model = Policy(arch, CoreVerdict.Allow) with { BadArchAction = new CoreVerdict(CoreAction.Trap, 7) };
        var c = Compile(model);
        // Bit 30 is just a large number elsewhere: newer than the table, so ENOSYS, never the bad-arch action.
        Assert.Equal("ERRNO(38)", Run(c, arch, 0x40000000 | Nr(arch, "read")));
    }

    [Fact]
    public void S390xComparesTheLowWordFourBytesLater()
    {
        // openat's flags is an int: one word, the low one, at 16 + 8*2 + 4 on s390x (at 16 + 8*2 elsewhere).
        var onlyOpenat = Compile(Policy(CoreArch.S390x, CoreVerdict.Errno(1), Rule(0, CoreVerdict.Allow, "flags == O_RDONLY && mode == 0", "openat")));
        var words = onlyOpenat.Program(CoreArch.S390x).Instructions.Where(i => i.Code == (Op.LD | Op.W | Op.ABS) && i.K >= 16).Select(i => i.K).ToList();
        Assert.Equal(new[] { 16u + 8 * 2 + 4, 16u + 8 * 3 + 4 }, words.Distinct().OrderBy(k => k).ToArray());
        var listing = new SeccompProgram(SeccompArch.S390x, onlyOpenat.Program(CoreArch.S390x).ToBytes()).Disassemble();
        Assert.Contains("ld [arg2_lo]", listing);
        Assert.DoesNotContain("_hi]", listing);
        var model = Policy(CoreArch.S390x, CoreVerdict.Errno(1), Rule(0, CoreVerdict.Allow, "flags == O_RDONLY && mode == 0", "openat"),
            Rule(1, CoreVerdict.Allow, "count == 0x100000001", "read"));
        var c = Compile(model);
        var loads = c.Program(CoreArch.S390x).Instructions.Where(i => i.Code == (Op.LD | Op.W | Op.ABS)).Select(i => i.K).ToList();
        // read's count (size_t) is compared on both words: high at 16 + 16, low at 16 + 16 + 4.
        Assert.Contains(16u + 16, loads);
        Assert.Contains(16u + 16 + 4, loads);
        int openat = Nr(CoreArch.S390x, "openat"), read = Nr(CoreArch.S390x, "read");
        Assert.Equal("ALLOW", Run(c, CoreArch.S390x, openat, unchecked((ulong)-100), 0, 0, 0));
        Assert.Equal("ERRNO(1)", Run(c, CoreArch.S390x, openat, unchecked((ulong)-100), 0, 1, 0));
        // The high word of an int argument is never looked at (it is the register's upper half).
        Assert.Equal("ALLOW", Run(c, CoreArch.S390x, openat, 0, 0, 0xdeadbeef00000000UL, 0));
        Assert.Equal("ALLOW", Run(c, CoreArch.S390x, read, 3, 0, 0x100000001UL));
        Assert.Equal("ERRNO(1)", Run(c, CoreArch.S390x, read, 3, 0, 0x1UL));
        Assert.Equal("ERRNO(1)", Run(c, CoreArch.S390x, read, 3, 0, 0x100000000UL));
    }

    [Fact]
    public void S390xCloneTakesItsFlagsInTheSecondArgument()
    {
        var model = Policy(CoreArch.S390x, CoreVerdict.Errno(1), Rule(0, CoreVerdict.Allow, "(clone_flags & CLONE_NEWUSER) == 0", "clone"));
        var c = Compile(model);
        int clone = Nr(CoreArch.S390x, "clone");
        Assert.Equal("ALLOW", Run(c, CoreArch.S390x, clone, 0x10000000, 0x00010f00));    // stack may be anything
        Assert.Equal("ERRNO(1)", Run(c, CoreArch.S390x, clone, 0, 0x10000000));         // CLONE_NEWUSER in arg1
        // The same text on ppc64le (CLONE_BACKWARDS) and loongarch64 (plain) reads arg0.
        foreach (var arch in new[] { CoreArch.Ppc64le, CoreArch.Loongarch64, CoreArch.Arm })
        {
            var other = Compile(Policy(arch, CoreVerdict.Errno(1), Rule(0, CoreVerdict.Allow, "(clone_flags & CLONE_NEWUSER) == 0", "clone")));
            Assert.Equal("ERRNO(1)", Run(other, arch, Nr(arch, "clone"), 0x10000000, 0));
            Assert.Equal("ALLOW", Run(other, arch, Nr(arch, "clone"), 0, 0x10000000));
        }
    }

    [Fact]
    public void S390xMmapArgumentsCannotBeComparedAndTheRuleFailsSafe()
    {
        var model = new PolicyModel(CoreVerdict.Errno(1), CoreVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
            EquatableArray.From(new[] { CoreArch.X86_64, CoreArch.S390x }), EquatableArray.From(new[]
            {
                Rule(0, CoreVerdict.Allow, "(prot & PROT_EXEC) == 0", "mmap"),
                Rule(1, CoreVerdict.Errno(13), "fd == 5", "mmap"),
            }));
        var c = Compile(model);
        var warnings = c.Diagnostics.Where(d => d.Id == DiagnosticIds.ArgumentNotComparable).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w => Assert.Contains("s390x", w.Message));
        Assert.Contains(warnings, w => w.Location.RuleIndex == 0 && w.Location.Site == LocationSite.Condition);
        Assert.Contains(warnings, w => w.Location.RuleIndex == 1 && w.Location.Site == LocationSite.Condition);
        // x86_64: as written. s390x: the allow never applies, the deny always does.
        Assert.Equal("ALLOW", Run(c, CoreArch.X86_64, Nr(CoreArch.X86_64, "mmap"), 0, 4096, 3, 0x22, unchecked((ulong)-1), 0));
        Assert.Equal("ERRNO(13)", Run(c, CoreArch.X86_64, Nr(CoreArch.X86_64, "mmap"), 0, 4096, 3, 0x22, 5, 0));
        Assert.Equal("ERRNO(13)", Run(c, CoreArch.S390x, Nr(CoreArch.S390x, "mmap"), 0x1000));
    }

    [Fact]
    public void ArmRegistersAre32BitsAndRegisterPairsCannotBeCompared()
    {
        var model = Policy(CoreArch.Arm, CoreVerdict.Errno(1),
            Rule(0, CoreVerdict.Allow, "count <= 4096", "read"),                 // size_t: 32 bits on arm
            Rule(1, CoreVerdict.Allow, "pos == 0", "pread64"),                   // loff_t: a register pair
            Rule(2, CoreVerdict.Errno(13), "mode == 0", "fallocate"),            // before the pair: fine
            Rule(3, CoreVerdict.Errno(13), "len == 0", "fallocate"),             // after it: not its slot
            Rule(4, CoreVerdict.Allow, "fd == 3", "fallocate"));
        var c = Compile(model);
        var warnings = c.Diagnostics.Where(d => d.Id == DiagnosticIds.ArgumentNotComparable).ToList();
        Assert.Equal(new[] { 1, 3 }, warnings.Select(w => w.Location.RuleIndex).OrderBy(i => i).ToArray());
        Assert.Contains("register", warnings.First(w => w.Location.RuleIndex == 1).Message);
        int read = Nr(CoreArch.Arm, "read"), pread = Nr(CoreArch.Arm, "pread64"), fallocate = Nr(CoreArch.Arm, "fallocate");
        // The kernel leaves the high word 0; a 32-bit compare never reads it.
        Assert.Equal("ALLOW", Run(c, CoreArch.Arm, read, 3, 0, 4096));
        Assert.Equal("ERRNO(1)", Run(c, CoreArch.Arm, read, 3, 0, 4097));
        Assert.Equal("ALLOW", Run(c, CoreArch.Arm, read, 3, 0, 0xffffffff00001000UL));
        Assert.DoesNotContain(c.Program(CoreArch.Arm).Instructions, i => i.Code == (Op.LD | Op.W | Op.ABS) && i.K >= 16 && i.K % 8 == 4);
        // pread64's allow never applies on arm; fallocate's deny on len applies to every call.
        Assert.Equal("ERRNO(1)", Run(c, CoreArch.Arm, pread, 3, 0, 10, 0, 0, 0));
        Assert.Equal("ERRNO(13)", Run(c, CoreArch.Arm, fallocate, 3, 1, 0, 0, 0, 0));
    }

    [Fact]
    public void ArmPrivateCallsAreATableOfTheirOwn()
    {
        var model = Policy(CoreArch.Arm, CoreVerdict.Errno(1), Rule(0, CoreVerdict.Allow, null, "cacheflush", "read"));
        var c = Compile(model);
        var info = ArchInfo.Get(CoreArch.Arm);
        Assert.Equal("ALLOW", Run(c, CoreArch.Arm, 0x0f0002));
        Assert.Equal("ERRNO(1)", Run(c, CoreArch.Arm, 0x0f0005));         // set_tls: a known call, not allowed
        Assert.Equal("ERRNO(38)", Run(c, CoreArch.Arm, 0x0f0000));        // no call there
        Assert.Equal("ERRNO(38)", Run(c, CoreArch.Arm, 0x0f0007));
        Assert.Equal("ERRNO(38)", Run(c, CoreArch.Arm, info.MaxSyscall + 1));
        Assert.Equal("ERRNO(38)", Run(c, CoreArch.Arm, 0x0effff));
        Assert.Equal("ALLOW", Run(c, CoreArch.Arm, Nr(CoreArch.Arm, "read")));
    }

    [Theory]
    [InlineData(SeccompArch.Ppc64le)]
    [InlineData(SeccompArch.S390x)]
    public void SocketAndIpcCallsThroughTheirMultiplexers(SeccompArch runtimeArch)
    {
        var arch = (CoreArch)runtimeArch;
        var model = Policy(arch, CoreVerdict.Errno(1),
            Rule(0, CoreVerdict.Allow, null, "connect"),                               // unconditional: multiplexed too
            Rule(1, CoreVerdict.Allow, "domain == AF_UNIX", "socket"),                 // conditional allow: not multiplexed
            Rule(2, CoreVerdict.Allow, null, "sendto"),
            Rule(3, CoreVerdict.Errno(13), "flags == 0", "sendto"),                    // conditional deny: every multiplexed sendto
            Rule(4, CoreVerdict.Allow, null, "shmat"));
        var c = Compile(model);
        int socketcall = Nr(arch, "socketcall"), ipc = Nr(arch, "ipc");
        Assert.Equal("ALLOW", Run(c, arch, socketcall, 3, 0x7ff000));                  // SYS_CONNECT
        Assert.Equal("ERRNO(1)", Run(c, arch, socketcall, 2, 0x7ff000));               // SYS_BIND: no rule
        Assert.Equal("ERRNO(1)", Run(c, arch, socketcall, 1, 0x7ff000));               // SYS_SOCKET: the condition cannot be read
        Assert.Equal("ALLOW", Run(c, arch, Nr(arch, "socket"), 1, 1, 0));
        Assert.Equal("ERRNO(1)", Run(c, arch, Nr(arch, "socket"), 2, 1, 0));
        Assert.Equal("ERRNO(13)", Run(c, arch, socketcall, 11, 0x7ff000));             // SYS_SENDTO
        Assert.Equal("ALLOW", Run(c, arch, Nr(arch, "sendto"), 3, 0, 1, 1, 0, 0));
        Assert.Equal("ERRNO(13)", Run(c, arch, Nr(arch, "sendto"), 3, 0, 1, 0, 0, 0));
        // socketcall's call is an int: the high word of the register is not part of it.
        Assert.Equal("ALLOW", Run(c, arch, socketcall, 0xffffffff00000003UL, 0));
        // ipc dispatches on call & 0xffff (the version is call >> 16): every version of SHMAT is SHMAT.
        Assert.Equal("ALLOW", Run(c, arch, ipc, 21, 0, 0, 0, 0x7ff000, 0));
        Assert.Equal("ALLOW", Run(c, arch, ipc, 21 | (1 << 16), 0, 0, 0, 0x7ff000, 0));
        Assert.Equal("ERRNO(1)", Run(c, arch, ipc, 22, 0, 0, 0, 0x7ff000, 0));
    }

    [Fact]
    public void NoMultiplexedFormWhereTheTableHasNone()
    {
        foreach (var arch in new[] { CoreArch.X86_64, CoreArch.Aarch64, CoreArch.Arm, CoreArch.Riscv64, CoreArch.Loongarch64 })
        {
            Assert.False(ArchInfo.Get(arch).TryGetNumber("socketcall", out _), $"{arch} has socketcall");
            Assert.Null(Multiplexers.Find(ArchInfo.Get(arch), "socket"));
        }
    }

    [Fact]
    public void ProgramBytesAreTheTargetsByteOrder()
    {
        var model = Policy(CoreArch.S390x, CoreVerdict.Errno(1), Rule(0, CoreVerdict.Allow, "fd == 3", "read"));
        var compiled = Compile(model).Program(CoreArch.S390x);
        byte[] bytes = compiled.ToBytes();
        // ld [4] (arch): code 0x0020 and k 4, both big-endian, as the s390x kernel reads struct sock_filter.
        Assert.Equal(new byte[] { 0x00, 0x20, 0, 0, 0, 0, 0, 4 }, bytes.Take(8).ToArray());
        // jeq #0x80000016 next.
        Assert.Equal(new byte[] { 0x00, 0x15 }, bytes.Skip(8).Take(2).ToArray());
        Assert.Equal(new byte[] { 0x80, 0x00, 0x00, 0x16 }, bytes.Skip(12).Take(4).ToArray());
        var program = new SeccompProgram(SeccompArch.S390x, bytes);
        Assert.Equal(bytes, program.ToBytes());
        Assert.Equal(compiled.Instructions.Count, program.Count);
        int read = Nr(CoreArch.S390x, "read");
        Assert.Equal("ALLOW", program.Run(read, 3).ToString());
        Assert.Equal("ERRNO(1)", program.Run(read, 4).ToString());
        // The same instructions as little-endian bytes are another program: the loader would refuse or misread them.
        Assert.Throws<ArgumentException>(() => new SeccompProgram(SeccompArch.S390x, BpfInstruction.ToBytes(compiled.Instructions)));
        // Every other architecture is little-endian.
        foreach (var arch in ArchInfo.All.Where(a => a.Arch != CoreArch.S390x))
        {
            var le = Compile(Policy(arch.Arch, CoreVerdict.Errno(1), Rule(0, CoreVerdict.Allow, null, "read"))).Program(arch.Arch).ToBytes();
            Assert.Equal(new byte[] { 0x20, 0x00, 0, 0, 4, 0, 0, 0 }, le.Take(8).ToArray());
        }
    }

    /// <summary>Item 3: every group resolves on every architecture, and @dotnet-runtime holds there what the runtime
    /// needs under that architecture's names (mmap2 and the time64 calls on arm).</summary>
    [Fact]
    public void EveryGroupResolvesOnEveryArchitecture()
    {
        foreach (var info in ArchInfo.All)
        {
            foreach (var group in SyscallGroups.Names)
                Assert.True(PolicyResolver.ExpandEntry("@" + group, info, CoreVerdict.Allow).Any(), $"@{group} is empty on {info.Name}");
            var runtime = PolicyResolver.ExpandEntry("@dotnet-runtime", info, CoreVerdict.Allow).Select(x => x.Name).ToHashSet();
            foreach (var needed in new[] { "read", "write", "clone", "futex", "mprotect", "munmap", "openat", "exit_group", "rt_sigreturn", "membarrier", "rseq" })
                Assert.True(runtime.Contains(needed), $"@dotnet-runtime lacks {needed} on {info.Name}");
            Assert.True(runtime.Contains("mmap") || runtime.Contains("mmap2"), $"no mmap on {info.Name}");
        }
        var arm = PolicyResolver.ExpandEntry("@dotnet-runtime", ArchInfo.Get(CoreArch.Arm), CoreVerdict.Allow).Select(x => x.Name).ToHashSet();
        foreach (var name in new[] { "mmap2", "clock_gettime64", "clock_nanosleep_time64", "futex_time64", "ppoll_time64", "_llseek", "fstat64", "fcntl64", "ugetrlimit", "cacheflush" })
            Assert.True(arm.Contains(name), $"@dotnet-runtime lacks {name} on arm");
        Assert.DoesNotContain("mmap", arm);
    }

    [Fact]
    public void APolicyWithoutArchitecturesTargetsAllSeven()
    {
        var generated = Assert.Single(GeneratorHarness.Generate(
            "using Seccomp; [SeccompPolicy] [Allow(\"@dotnet-runtime\")] public static partial class P;"));
        Assert.Contains("SeccompArch.X86_64, global::Seccomp.SeccompArch.Aarch64, global::Seccomp.SeccompArch.Riscv64, "
            + "global::Seccomp.SeccompArch.Arm, global::Seccomp.SeccompArch.Ppc64le, global::Seccomp.SeccompArch.S390x, "
            + "global::Seccomp.SeccompArch.Loongarch64 }", generated);
    }
}
