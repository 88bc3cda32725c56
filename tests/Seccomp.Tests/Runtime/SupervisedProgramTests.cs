using System;
using System.Collections.Generic;
using System.Linq;
using Seccomp.Bpf;
using Seccomp.Common;
using Seccomp.Tests.Support;
using Xunit;

namespace Seccomp.Tests;

/// <summary>
/// The program installed for in-process reports (SupervisedProgram, docs/reports.md), against the planned program it
/// is made from, on random conditional policies and random calls, in the interpreter: a call the policy allows runs the
/// very same instructions; a denied one goes to the supervisor, except the supervisor's own calls, another ABI's, and
/// what the kernel answers itself.
/// </summary>
public class SupervisedProgramTests
{
    private const int Pid = 4242;
    private const uint Recv = 0xC0502100, Send = 0xC0182101, SetFlags = 0x40082104;
    private static readonly ArchInfo X64 = ArchInfo.Get(SeccompArch.X86_64);
    private static readonly Seccomp.Compiler.ArchInfo CoreX64 = Seccomp.Compiler.ArchInfo.Get(CoreArch.X86_64);
    private static readonly uint Notify = new SeccompVerdict(SeccompAction.Notify).ToKernel();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AllowedCallsRunTheSameInstructionsAndDeniedOnesGoToTheSupervisor(bool complain)
    {
        var rng = new Random(complain ? 20 : 21);
        int policies = 0, calls = 0, supervised = 0, kernelAnswered = 0, unchanged = 0;
        while (policies < 300)
        {
            var spec = RandomPolicies.Create(rng, "P", conditions: true, archs: new[] { CoreArch.X86_64 });
            var compilation = Seccomp.Compiler.PolicyCompiler.Compile(spec.Model);
            if (compilation.HasErrors) continue;
            policies++;
            var planned = BpfInstruction.FromBytes(compilation.Program(CoreArch.X86_64).ToBytes());
            var badArch = SeccompVerdict.FromKernel(spec.Model.BadArchAction.ToKernel());
            var named = new HashSet<string>(spec.Model.Rules.SelectMany(r => r.Syscalls), StringComparer.Ordinal);
            var program = SupervisedProgram.Build(planned, X64, badArch, Pid, complain, named);
            Assert.Empty(BpfVerifier.Verify(program));
            var (namedSet, unnamedSet) = SupervisedProgram.KernelAnswered(X64, named);

            for (int c = 0; c < 400; c++)
            {
                var (arch, nr, args) = RandomPolicies.RandomCall(rng, CoreX64, spec);
                if (c % 40 == 0) (nr, args) = ((uint)(X64.TryGetNumber("ioctl", out int io) ? io : 16), new ulong[] { 7, new[] { Recv, Send, SetFlags }[rng.Next(3)], 0, 0, 0, 0 });
                if (c % 40 == 1) (nr, args) = ((uint)(X64.TryGetNumber("tgkill", out int tk) ? tk : 234), new ulong[] { Pid, 99, 31, 0, 0, 0 });
                var data = new SeccompData((int)nr, arch, 0, args);
                uint before = BpfInterpreter.Run(planned, data, out int ranBefore);
                uint after = BpfInterpreter.Run(program, data, out int ranAfter);
                var v = SeccompVerdict.FromKernel(before);
                calls++;
                if (!SupervisedProgram.Supervises(v, complain))
                {
                    Assert.Equal(before, after);
                    Assert.Equal(ranBefore, ranAfter); // not one instruction more
                    unchanged++;
                    continue;
                }
                uint expected;
                bool native = arch == X64.AuditArch && nr < ArchInfo.X32SyscallBit;
                string? name = X64.TryGetName((int)nr, out var n) ? n : null;
                if (!native) expected = badArch.ToKernel();
                else if (name == "ioctl" && (uint)args[1] is Recv or Send or SetFlags) expected = SeccompVerdict.Allow.ToKernel();
                else if (name == "tgkill" && (uint)args[0] == Pid) expected = SeccompVerdict.Allow.ToKernel();
                else if (namedSet.Contains((int)nr)) expected = complain ? new SeccompVerdict(SeccompAction.Log).ToKernel() : before;
                else if (unnamedSet.Contains((int)nr)) expected = complain ? SeccompVerdict.Allow.ToKernel() : before;
                else expected = Notify;
                if (expected == Notify) supervised++; else kernelAnswered++;
                Assert.True(expected == after, $"{name ?? nr.ToString()} {string.Join(",", args)}: planned {v}, expected {SeccompVerdict.FromKernel(expected)}, got {SeccompVerdict.FromKernel(after)}\n{spec.Source}");
            }
        }
        Assert.True(supervised > 1000 && kernelAnswered > 100 && unchanged > 1000, $"{calls} calls: {supervised} supervised, {kernelAnswered} kernel-answered, {unchanged} unchanged");
    }

    /// <summary>The supervisor's own calls and the stopped world's are in the block whatever the policy names.</summary>
    [Fact]
    public void TheStoppedWorldsCallsAreAnsweredByTheKernel()
    {
        var (named, unnamed) = SupervisedProgram.KernelAnswered(X64, new HashSet<string> { "futex", "getppid" });
        int Nr(string n) => X64.TryGetNumber(n, out int nr) ? nr : throw new ArgumentException(n);
        Assert.Contains(Nr("futex"), named);       // named by a rule: LOG in complain mode
        Assert.Contains(Nr("mprotect"), unnamed);  // not named: the runtime's own
        Assert.DoesNotContain(Nr("getppid"), unnamed.Concat(named)); // a runtime call a rule names is reported
        Assert.DoesNotContain(Nr("getpgid"), unnamed.Concat(named)); // no group's: reported
    }
}
