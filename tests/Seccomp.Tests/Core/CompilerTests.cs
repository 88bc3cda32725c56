using System;
using Seccomp.Compiler.Diagnostics;
using System.Linq;
using Seccomp.Compiler;
using Seccomp.Compiler.Bpf;
using Seccomp.Compiler.Codegen;
using Seccomp.Compiler.Policy;
using Seccomp.Tests.Support;
using Xunit;

namespace Seccomp.Tests;

public class CompilerTests
{
    private static PolicyModel Policy(CoreVerdict defaultAction, params RuleModel[] rules) => new(
        defaultAction, CoreVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
        EquatableArray.From(new[] { CoreArch.X86_64, CoreArch.Aarch64 }), EquatableArray.From(rules));

    private static RuleModel Rule(int index, CoreVerdict action, string? when, params string[] names) =>
        new(index, action, EquatableArray.From(names), when);

    [Theory]
    [InlineData(SeccompArch.X86_64)]
    [InlineData(SeccompArch.Aarch64)]
    [InlineData(SeccompArch.Riscv64)]
    [InlineData(SeccompArch.Arm)]
    [InlineData(SeccompArch.Ppc64le)]
    [InlineData(SeccompArch.S390x)]
    [InlineData(SeccompArch.Loongarch64)]
    public void ArchitectureCheckComesFirstAndForeignCallsGetTheBadArchAction(SeccompArch runtimeArch)
    {
        var arch = (CoreArch)runtimeArch;
        var model = Policy(CoreVerdict.Allow) with { BadArchAction = new CoreVerdict(CoreAction.Trap, 0), Architectures = EquatableArray.From(new[] { arch }) };
        var program = PropertyTests.CompileProgram(model, arch);
        Assert.Equal(new BpfInstruction(Op.LD | Op.W | Op.ABS, 0, 0, Op.OffsetArch), program.Code()[0]);
        Assert.Equal(Op.JMP | Op.JEQ | Op.K, program.Code()[1].Code);
        Assert.Equal(ArchInfo.Get(arch).AuditArch, program.Code()[1].K);
        foreach (var other in ArchInfo.All.Where(a => a.Arch != arch))
            Assert.Equal("TRAP(0)", program.Run(new SeccompData(0, other.AuditArch, 0, default), out _).ToString());
        // i386 (AUDIT_ARCH_I386) is foreign everywhere.
        Assert.Equal("TRAP(0)", program.Run(new SeccompData(0, 0x40000003, 0, default), out _).ToString());
    }

    [Fact]
    public void X32NumbersNeverReachAllowOnX86_64()
    {
        var model = Policy(CoreVerdict.Allow, Rule(0, CoreVerdict.Allow, null, "read", "write"));
        var program = PropertyTests.CompileProgram(model, CoreArch.X86_64);
        for (uint nr = 0x40000000; nr < 0x40000000 + 600; nr++)
            Assert.Equal(SeccompAction.KillProcess, program.Run(new SeccompData((int)nr, program.AuditArch, 0, default), out _).Action);
        Assert.Equal(SeccompAction.KillProcess, program.Run(new SeccompData(unchecked((int)0xfffffffe), program.AuditArch, 0, default), out _).Action);
    }

    [Theory]
    [InlineData(SeccompArch.X86_64)]
    [InlineData(SeccompArch.Aarch64)]
    public void NumbersAboveTheTableGetEnosysAndUnassignedOnesTheDefault(SeccompArch runtimeArch)
    {
        var arch = (CoreArch)runtimeArch;
        var info = ArchInfo.Get(arch);
        var model = Policy(CoreVerdict.Errno(1), Rule(0, CoreVerdict.Allow, null, "read"));
        var program = PropertyTests.CompileProgram(model, arch);
        Assert.Equal("ERRNO(38)", program.Run(info.MaxSyscall + 1).ToString());
        Assert.Equal("ERRNO(38)", program.Run(100_000).ToString());
        Assert.Equal("ERRNO(38)", program.Run(-1).ToString());
        Assert.Equal("ERRNO(1)", program.Run(info.MaxSyscall).ToString());
        int hole = Enumerable.Range(0, info.MaxSyscall).First(n => !info.TryGetName(n, out _));
        Assert.Equal("ERRNO(1)", program.Run(hole).ToString());
    }

    [Fact]
    public void MostRestrictiveMatchingRuleWins()
    {
        var model = Policy(CoreVerdict.Allow,
            Rule(0, CoreVerdict.Allow, null, "openat"),
            Rule(1, new CoreVerdict(CoreAction.Log, 0), null, "openat"),
            Rule(2, CoreVerdict.Errno(13), "flags & O_CREAT", "openat"),
            Rule(3, CoreVerdict.Errno(2), "flags & O_CREAT", "openat"),
            Rule(4, CoreVerdict.KillProcess, "dfd == 5", "openat"));
        var program = PropertyTests.CompileProgram(model, CoreArch.X86_64);
        Assert.Equal("LOG", program.Run(257, 0, 0, 0).ToString());
        Assert.Equal("ERRNO(2)", program.Run(257, 0, 0, 0x40).ToString());
        Assert.Equal("KILL_PROCESS", program.Run(257, 5, 0, 0x40).ToString());
    }

    [Fact]
    public void DispatchLoadsNoArgumentSoTheKernelCachesEveryUnconditionalAllow()
    {
        var rng = new Random(5);
        for (int p = 0; p < 40; p++)
        {
            var policy = RandomPolicies.Create(rng, "P", conditions: true);
            foreach (var arch in policy.Model.Architectures)
            {
                var info = ArchInfo.Get(arch);
                var resolved = PolicyCompiler.Compile(policy.Model).Program(arch).Resolved;
                var program = PropertyTests.CompileProgram(policy.Model, arch);
                for (int nr = 0; nr <= info.MaxSyscall; nr++)
                {
                    var rules = resolved.RulesFor(nr);
                    bool argumentFree = rules.All(r => r.Condition == null);
                    var verdict = ReferenceEvaluator.Evaluate(resolved, info.AuditArch, (uint)nr, new ulong[6]);
                    if (argumentFree && verdict.Action == CoreAction.Allow)
                        Assert.True(KernelCacheEmulator.IsConstAllow(program.Code(), info.AuditArch, (uint)nr), $"nr {nr} on {arch} is not cacheable");
                }
            }
        }
    }

    [Fact]
    public void DispatchIsABinarySearchNotAChain()
    {
        // Every other syscall allowed: the worst case for ranges (one per number).
        var info = ArchInfo.Get(CoreArch.X86_64);
        var names = info.Syscalls.Where(kv => kv.Value % 2 == 0).Select(kv => kv.Key).ToArray();
        var program = PropertyTests.CompileProgram(Policy(CoreVerdict.Errno(1), Rule(0, CoreVerdict.Allow, null, names)) with
        {
            Architectures = EquatableArray.From(new[] { CoreArch.X86_64 }),
        }, CoreArch.X86_64);
        int worst = Enumerable.Range(0, info.MaxSyscall + 1).Max(nr => { program.Run(new SeccompData(nr, info.AuditArch, 0, default), out int n); return n; });
        // 3 (arch check and load) + ceil(log2(ranges)) + 1 (RET), where a linear chain would take hundreds.
        Assert.InRange(worst, 5, 16);
    }

    [Fact]
    public void LongJumpsAreBridgedAndTheProgramStillMatchesTheReference()
    {
        // A condition on every syscall makes hundreds of blocks: jumps from the search tree run past 255.
        var info = ArchInfo.Get(CoreArch.X86_64);
        var rules = WithPlainArg0(info).Select((name, i) => Rule(i, i % 3 == 0 ? CoreVerdict.Allow : CoreVerdict.Errno(i % 50 + 1), "arg0 == " + i, name)).ToArray();
        var model = Policy(CoreVerdict.Errno(1), rules) with { Architectures = EquatableArray.From(new[] { CoreArch.X86_64 }) };
        var program = PropertyTests.CompileProgram(model, CoreArch.X86_64);
        Assert.True(program.Count > 1000);
        Assert.Contains(program.Code(), i => i.Code == (Op.JMP | Op.JA) && i.K > 255);
        Assert.Empty(BpfVerifier.Verify(program.Code()));
        var resolved = PolicyCompiler.Compile(model).Program(CoreArch.X86_64).Resolved;
        for (int nr = 0; nr <= info.MaxSyscall + 2; nr++)
            for (ulong a = 0; a < 400; a += 57)
                Assert.Equal(ReferenceEvaluator.Evaluate(resolved, info.AuditArch, (uint)nr, new ulong[] { a, 0, 0, 0, 0, 0 }).ToKernel(), program.Run(nr, a).ToKernel());
    }

    [Fact]
    public void APolicyTooLargeForTheKernelIsAClearErrorWithItsSize()
    {
        var info = ArchInfo.Get(CoreArch.X86_64);
        // Distinct conditions, so no two syscalls can share a block.
        var rules = WithPlainArg0(info).Select((name, i) => Rule(i, CoreVerdict.Allow,
            string.Join(" || ", Enumerable.Range(0, 30).Select(k => $"arg0 == {k * 1000 + i}")), name)).ToArray();
        var model = Policy(CoreVerdict.Errno(1), rules) with { Architectures = EquatableArray.From(new[] { CoreArch.X86_64 }) };
        var compilation = PolicyCompiler.Compile(model);
        Assert.Empty(compilation.Programs);
        var error = Assert.Single(compilation.Errors);
        Assert.Equal(DiagnosticIds.ProgramTooLarge, error.Id);
        Assert.Matches(@"needs at least \d+ instructions; the kernel accepts at most 4096", error.Message);
    }

    /// <summary>Syscalls whose first argument is a number of 32 bits or more, not a pointer (exit reads only 8 bits).</summary>
    private static string[] WithPlainArg0(ArchInfo info) => info.Syscalls
        .Where(kv => Seccomp.Compiler.Conditions.Signatures.Get(kv.Key, info.Arch) is { Count: > 0 } s && !s[0].Type.Pointer && s[0].Type.Bits >= 32)
        .Select(kv => kv.Key).OrderBy(n => n).ToArray();

    [Fact]
    public void EveryGroupMemberConditionBindsOnEveryArchitecture()
    {
        foreach (var group in SyscallGroups.Names)
        {
            Assert.True(SyscallGroups.TryGet(group, out var members));
            foreach (var m in members)
            {
                Assert.True(Syscalls.IsKnownAnywhere(m.Name), $"@{group}: {m.Name}");
                if (m.When == null) continue;
                foreach (var arch in ArchInfo.All.Where(a => a.TryGetNumber(m.Name, out _)))
                {
                    Seccomp.Compiler.Conditions.ConditionBinder.Bind(m.When, m.Name, arch, out var problems);
                    Assert.True(problems.Count == 0, $"@{group} {m.Name} on {arch.Name}: {string.Join("; ", problems.Select(p => p.Message))}");
                }
            }
        }
    }

    [Fact]
    public void TheRuntimeGroupAllowsThreadsButNoNewNamespacesAndSendsClone3ToClone()
    {
        var model = Policy(CoreVerdict.Errno(1), Rule(0, CoreVerdict.Allow, null, "@dotnet-runtime"));
        foreach (var arch in new[] { CoreArch.X86_64, CoreArch.Aarch64 })
        {
            var program = PropertyTests.CompileProgram(model, arch);
            var info = ArchInfo.Get(arch);
            int clone = info.TryGetNumber("clone", out int c) ? c : -1, clone3 = info.TryGetNumber("clone3", out int c3) ? c3 : -1;
            const ulong threadFlags = 0x3d0f00; // what glibc passes for pthread_create
            Assert.Equal("ALLOW", program.Run(clone, threadFlags).ToString());
            Assert.Equal("ERRNO(1)", program.Run(clone, threadFlags | 0x10000000 /* CLONE_NEWUSER */).ToString());
            Assert.Equal("ERRNO(38)", program.Run(clone3).ToString());
        }
    }

    [Fact]
    public void TheAspNetCoreGroupUnderAKillingDefaultHasNoDiagnosticAndNarrowsSocketsAndOptions()
    {
        // The web sample's policy: every architecture, KILL_PROCESS for anything else. Nothing the analysis flags.
        var model = new PolicyModel(CoreVerdict.KillProcess, CoreVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
            EquatableArray.From(ArchInfo.All.Select(a => a.Arch).ToArray()),
            EquatableArray.From(new[] { Rule(0, CoreVerdict.Allow, null, "@dotnet-runtime"), Rule(1, CoreVerdict.Allow, null, "@aspnetcore") }));
        var compilation = PolicyCompiler.Compile(model);
        Assert.True(compilation.Diagnostics.Count == 0, string.Join("\n", compilation.Diagnostics.Select(d => d.Id + ": " + d.Message)));
        foreach (var program in compilation.Programs.Select(p => new SeccompProgram((SeccompArch)p.Arch, p.ToBytes())))
        {
            foreach (var name in new[] { "accept4", "bind", "listen", "getsockname", "getpeername", "recvfrom", "sendto", "sendmsg", "shutdown", "inotify_init1", "inotify_add_watch", "inotify_rm_watch" })
                Assert.Equal("ALLOW", SeccompLoader.Evaluate(program, name, new ulong[6]).ToString());
            Assert.Equal("ALLOW", SeccompLoader.Evaluate(program, "socket", new ulong[] { 10 /* AF_INET6 */, 1, 0, 0, 0, 0 }).ToString());
            Assert.Equal("KILL_PROCESS", SeccompLoader.Evaluate(program, "socket", new ulong[] { 17 /* AF_PACKET */, 3, 0, 0, 0, 0 }).ToString());
            Assert.Equal("KILL_PROCESS", SeccompLoader.Evaluate(program, "socket", new ulong[] { 16 /* AF_NETLINK */, 3, 0, 0, 0, 0 }).ToString());
            Assert.Equal("ALLOW", SeccompLoader.Evaluate(program, "setsockopt", new ulong[] { 5, 6 /* IPPROTO_TCP */, 1, 0, 4, 0 }).ToString());
            Assert.Equal("KILL_PROCESS", SeccompLoader.Evaluate(program, "setsockopt", new ulong[] { 5, 0 /* IPPROTO_IP */, 1, 0, 4, 0 }).ToString());
            Assert.Equal("KILL_PROCESS", SeccompLoader.Evaluate(program, "connect", new ulong[6]).ToString());   // that is @network-io
        }
    }

    [Fact]
    public void SameInputSameBytes()
    {
        var rng = new Random(1);
        var policy = RandomPolicies.Create(rng, "P", conditions: true);
        var a = PropertyTests.CompileProgram(policy.Model, CoreArch.X86_64).ToBytes();
        var b = PropertyTests.CompileProgram(RandomPolicies.Create(new Random(1), "P", conditions: true).Model, CoreArch.X86_64).ToBytes();
        Assert.Equal(a, b);
    }

    [Fact]
    public void DenyingAGroupDeniesEveryMemberOutright()
    {
        var model = new PolicyModel(CoreVerdict.Allow, CoreVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
            EquatableArray.From(new[] { CoreArch.X86_64 }),
            EquatableArray.From(new[] { new RuleModel(0, CoreVerdict.KillProcess, EquatableArray.From(new[] { "@dotnet-runtime" }), null) }));
        var program = PropertyTests.CompileProgram(model, CoreArch.X86_64);
        Assert.Equal("KILL_PROCESS", SeccompLoader.Evaluate(program, "clone3", new ulong[6]).ToString());
        Assert.Equal("KILL_PROCESS", SeccompLoader.Evaluate(program, "clone", new ulong[] { 0x10000000, 0, 0, 0, 0, 0 }).ToString());
        Assert.Equal("KILL_PROCESS", SeccompLoader.Evaluate(program, "ioctl", new ulong[] { 0, 0x5412 /* TIOCSTI */ }).ToString());
    }
}
