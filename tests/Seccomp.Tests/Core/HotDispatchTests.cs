using System;
using System.Collections.Generic;
using System.Linq;
using Seccomp.Compiler;
using Seccomp.Compiler.Bpf;
using Seccomp.Compiler.Codegen;
using Seccomp.Compiler.Policy;
using Seccomp.Tests.Support;
using Xunit;

namespace Seccomp.Tests;

/// <summary>Issue 13: the dispatch checks the profile's hottest calls first; a profile never changes a verdict.</summary>
public class HotDispatchTests
{
    private readonly Xunit.Abstractions.ITestOutputHelper _out;

    public HotDispatchTests(Xunit.Abstractions.ITestOutputHelper output) => _out = output;

    [Fact]
    public void AnyProfileGivesTheSameVerdictsAsTheReferenceEvaluator()
    {
        var rng = new Random(1313);
        for (int p = 0; p < 60; p++)
        {
            var policy = RandomPolicies.Create(rng, "P", conditions: p % 2 == 0);
            // No profile, the built-in one, or a random one (with and without counts, some names unknown).
            EquatableArray<string>? hot = (p % 3) switch
            {
                0 => EquatableArray<string>.Empty,
                1 => null,
                _ => EquatableArray.From(Enumerable.Range(0, rng.Next(1, 30)).Select(i =>
                    (rng.Next(10) == 0 ? "no_such_call" : RandomPolicies.Pool[rng.Next(RandomPolicies.Pool.Length)])
                    + (rng.Next(2) == 0 ? ":" + rng.Next(0, 100000) : ""))),
            };
            var model = policy.Model with { HotSyscalls = hot };
            foreach (var arch in model.Architectures)
            {
                var info = ArchInfo.Get(arch);
                var resolved = PolicyCompiler.Compile(model).Program(arch).Resolved;
                var program = PropertyTests.CompileProgram(model, arch);
                Assert.Empty(BpfVerifier.Verify(program.Code()));
                for (int nr = 0; nr <= info.MaxSyscall; nr++)
                {
                    bool argumentFree = resolved.RulesFor(nr).All(r => r.Condition == null);
                    var verdict = ReferenceEvaluator.Evaluate(resolved, info.AuditArch, (uint)nr, new ulong[6]);
                    Assert.Equal(verdict.ToKernel(), program.Run(new SeccompData(nr, info.AuditArch, 0, new ulong[6]), out _).ToKernel());
                    if (argumentFree && verdict.Action == CoreAction.Allow)
                        Assert.True(KernelCacheEmulator.IsConstAllow(program.Code(), info.AuditArch, (uint)nr), $"nr {nr} on {arch} is not cacheable");
                }
                for (int v = 0; v < 100; v++)
                {
                    var (auditArch, nr, args) = RandomPolicies.RandomCall(rng, info, policy);
                    var expected = ReferenceEvaluator.Evaluate(resolved, auditArch, nr, args);
                    Assert.Equal(expected.ToKernel(), program.Run(new SeccompData(unchecked((int)nr), auditArch, 0, args), out _).ToKernel());
                }
            }
        }
    }

    [Fact]
    public void APolicysOwnProfileIsCheckedFirstHottestFirst()
    {
        var rules = EquatableArray.From(new[] { new RuleModel(0, CoreVerdict.Allow, EquatableArray.From(new[] { "read", "write", "getpid", "futex", "close", "openat", "mmap" }), null) });
        var model = new PolicyModel(CoreVerdict.Errno(1), CoreVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
            EquatableArray.From(new[] { CoreArch.X86_64 }), rules, EquatableArray.From(new[] { "getpid:900000", "futex:90000", "close:10" }));
        var code = PolicyCompiler.Compile(model).Program(CoreArch.X86_64).Instructions;
        var plain = PolicyCompiler.Compile(model with { HotSyscalls = EquatableArray<string>.Empty }).Program(CoreArch.X86_64).Instructions;
        int Executed(IReadOnlyList<BpfInstruction> program, int nr)
        {
            new SeccompProgram(SeccompArch.X86_64, BpfInstruction.ToBytes(program)).Run(new SeccompData(nr, ArchInfo.AuditArchX86_64, 0, new ulong[6]), out int n);
            return n;
        }
        // getpid takes 9 calls in 10: ld arch, jeq, ld nr, one compare, ret.
        Assert.Equal(5, Executed(code, 39));
        Assert.True(Executed(code, 39) < Executed(plain, 39));
        // Same model, same bytes.
        Assert.Equal(code, PolicyCompiler.Compile(model with { Rules = EquatableArray.From(rules.ToArray()) }).Program(CoreArch.X86_64).Instructions);
    }

    [Fact]
    public void DockersProfileReachesTheHotCallsFirst()
    {
        var model = AttributeModel.FromType(typeof(Seccomp.Tests.Policies.DockerDefaultPolicy));
        var info = ArchInfo.Get(CoreArch.X86_64);
        var program = new SeccompProgram(SeccompArch.X86_64, PolicyCompiler.Compile(model).Program(CoreArch.X86_64).ToBytes());
        var plain = new SeccompProgram(SeccompArch.X86_64,
            PolicyCompiler.Compile(model with { HotSyscalls = EquatableArray<string>.Empty }).Program(CoreArch.X86_64).ToBytes());
        int Executed(SeccompProgram p, string name)
        {
            Assert.True(info.TryGetNumber(name, out int nr));
            p.Run(new SeccompData(nr, info.AuditArch, 0, new ulong[6]), out int n);
            return n;
        }
        // The five hottest calls of the ASP.NET mix (93% of its calls), weighted by the mix: fewer instructions than
        // without a profile; the hottest (sched_yield, three calls in four) as few as a check of its own would take.
        var mix = new Dictionary<string, double> { ["sched_yield"] = 55375, ["recvfrom"] = 6400, ["epoll_wait"] = 3671, ["sendto"] = 3015, ["futex"] = 2201 };
        foreach (var hot in mix.Keys)
            _out.WriteLine($"{hot}: {Executed(program, hot)} instructions ({Executed(plain, hot)} without a profile)");
        Assert.True(mix.Sum(kv => kv.Value * Executed(program, kv.Key)) < mix.Sum(kv => kv.Value * Executed(plain, kv.Key)));
        Assert.True(Executed(program, "sched_yield") <= 5);
    }

    [Fact]
    public void BuiltInProfileComesFromTheMeasuredMix()
    {
        var profile = HotCalls.Resolve(HotCalls.BuiltIn, ArchInfo.Get(CoreArch.X86_64));
        var names = profile.Take(8).Select(kv => { ArchInfo.Get(CoreArch.X86_64).TryGetName(kv.Key, out var n); return n; }).ToList();
        foreach (var hot in new[] { "sched_yield", "recvfrom", "epoll_wait", "sendto", "futex" })
            Assert.Contains(hot, names);
        Assert.InRange(profile.Sum(kv => kv.Value), 0.999, 1.001);
        // On aarch64 epoll_wait has no number: its weight goes to epoll_pwait.
        var arm = ArchInfo.Get(CoreArch.Aarch64);
        Assert.True(arm.TryGetNumber("epoll_pwait", out int pwait));
        Assert.Contains(HotCalls.Resolve(HotCalls.BuiltIn, arm).Take(8), kv => kv.Key == pwait);
    }
}
