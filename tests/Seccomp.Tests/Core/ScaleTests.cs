using System;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading;
using Seccomp.Compiler;
using Seccomp.Compiler.Bpf;
using Seccomp.Compiler.Diagnostics;
using Seccomp.Compiler.Policy;
using Seccomp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Seccomp.Tests;

/// <summary>
/// Policies of tens of thousands of rules: the compiler yields a program or SECC0010, without recursion as deep as the
/// rules are many (each test runs on a thread with a 1 MB stack) and in time about linear in the policy's size.
/// Speed is printed, never asserted: it is measured in benchmarks.
/// </summary>
public class ScaleTests
{
    private const int SmallStack = 1024 * 1024;

    private readonly ITestOutputHelper _out;

    public ScaleTests(ITestOutputHelper output) => _out = output;

    private static PolicyModel Policy(CoreVerdict defaultAction, RuleModel[] rules, params CoreArch[] archs) => new(
        defaultAction, CoreVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
        EquatableArray.From(archs.Length == 0 ? new[] { CoreArch.X86_64, CoreArch.Aarch64 } : archs), EquatableArray.From(rules));

    private static RuleModel Rule(int index, CoreVerdict action, string? when, params string[] names) =>
        new(index, action, EquatableArray.From(names), when);

    /// <summary><c>[Allow("read", When = "fd == i")]</c> for i below <paramref name="n"/>.</summary>
    private static PolicyModel ReadRules(int n) =>
        Policy(CoreVerdict.Errno(1), Enumerable.Range(0, n).Select(i => Rule(i, CoreVerdict.Allow, $"fd == {i}", "read")).ToArray());

    /// <summary>Runs <paramref name="work"/> on a thread with a 1 MB stack and returns what it returned or threw.</summary>
    internal static T OnSmallStack<T>(Func<T> work)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try { result = work(); }
            catch (Exception e) { error = e; }
        }, SmallStack);
        thread.Start();
        thread.Join();
        if (error != null) throw new Xunit.Sdk.XunitException("the compilation threw: " + error);
        return result;
    }

    private static void AssertTooLarge(PolicyCompilation compilation)
    {
        Assert.Empty(compilation.Programs);
        Assert.NotEmpty(compilation.Errors);
        Assert.All(compilation.Errors, e => Assert.Equal(DiagnosticIds.ProgramTooLarge, e.Id));
        Assert.All(compilation.Errors, e => Assert.Matches(@"needs at least \d+ instructions; the kernel accepts at most 4096", e.Message));
    }

    [Fact]
    public void FortyThousandConditionalRulesOnOneSyscallAreTooLargeWithoutDeepRecursion()
    {
        // Not the model the timing test compiles: the compiler keeps its last results.
        var model = ReadRules(40_000) with { DefaultAction = CoreVerdict.Errno(13) };
        AssertTooLarge(OnSmallStack(() => PolicyCompiler.Compile(model)));
    }

    [Fact]
    public void FortyThousandConditionalRulesOverManySyscallsAreTooLargeWithoutDeepRecursion()
    {
        var info = ArchInfo.Get(CoreArch.X86_64);
        var names = info.Syscalls.Select(kv => kv.Key).Where(n => Seccomp.Compiler.Conditions.Signatures.Get(n, info.Arch) is { Count: > 0 } s && !s[0].Type.Pointer && s[0].Type.Bits >= 32)
            .OrderBy(n => n, StringComparer.Ordinal).ToArray();
        // Actions alternate too, so every syscall has groups of several verdicts.
        var actions = new[] { CoreVerdict.Allow, CoreVerdict.Errno(13), CoreVerdict.Of(CoreAction.Log, 0), CoreVerdict.Errno(1) };
        var rules = Enumerable.Range(0, 40_000)
            .Select(i => Rule(i, actions[i % actions.Length], $"arg0 == {i} || arg0 in ({i + 50_000}, {i + 100_000})", names[i % names.Length]))
            .ToArray();
        var model = Policy(CoreVerdict.KillProcess, rules, CoreArch.X86_64);
        AssertTooLarge(OnSmallStack(() => PolicyCompiler.Compile(model)));
    }

    [Fact]
    public void FortyThousandRulesOfOne64BitEqualitySetCompileToAShortProgram()
    {
        // Every rule tests the same 64-bit argument for equality: the rules of the action become one equality set,
        // emitted once per distinct value. The rules repeat 100 values, so the program fits.
        var rules = Enumerable.Range(0, 40_000).Select(i => Rule(i, CoreVerdict.Allow, $"offset == {i % 100}", "lseek")).ToArray();
        var model = Policy(CoreVerdict.Errno(1), rules, CoreArch.X86_64);
        var compilation = OnSmallStack(() => PolicyCompiler.Compile(model));
        Assert.Empty(compilation.Errors);
        var program = compilation.Program(CoreArch.X86_64);
        Assert.InRange(program.Instructions.Count, 100, 400);
        var info = ArchInfo.Get(CoreArch.X86_64);
        info.TryGetNumber("lseek", out int lseek);
        var runtime = new SeccompProgram(SeccompArch.X86_64, program.ToBytes());
        foreach (ulong offset in new ulong[] { 0, 1, 50, 99, 100, 101, 1UL << 32, (1UL << 32) + 5, ulong.MaxValue })
        {
            var args = new ulong[] { 3, offset, 0, 0, 0, 0 };
            var expected = ReferenceEvaluator.Evaluate(program.Resolved, info.AuditArch, (uint)lseek, args);
            Assert.Equal(expected.ToKernel(), runtime.Run(new SeccompData(lseek, info.AuditArch, 0, args), out _).ToKernel());
        }
    }

    [Fact]
    public void AThousandConditionalRulesOnOneSyscallCompileToAVerifiedProgramThatMatchesTheReference()
    {
        // Three actions interleaved, one 'in' list, and a range: several groups, trampolines over long blocks.
        var rules = Enumerable.Range(0, 1_000).Select(i => (i % 6) switch
        {
            < 4 => Rule(i, CoreVerdict.Allow, $"fd == {i}", "read"),
            4 => Rule(i, CoreVerdict.Errno(13), $"fd == {i} || count == {i}", "read"),
            _ => Rule(i, CoreVerdict.Of(CoreAction.Log, 0), $"fd in ({i}, {i + 5000}) && count > 7", "read"),
        }).Append(Rule(1_000, CoreVerdict.Errno(2), "fd >= 100000", "read")).ToArray();
        var model = Policy(CoreVerdict.KillProcess, rules);
        var compilation = OnSmallStack(() => PolicyCompiler.Compile(model));
        Assert.True(!compilation.HasErrors, string.Join("; ", compilation.Errors.Select(e => e.Message)));
        var rng = new Random(1000);
        foreach (var compiled in compilation.Programs)
        {
            Assert.Empty(BpfVerifier.Verify(compiled.Instructions));
            var info = compiled.Resolved.Arch;
            info.TryGetNumber("read", out int read);
            var runtime = new SeccompProgram((SeccompArch)compiled.Arch, compiled.ToBytes());
            for (int v = 0; v < 3_000; v++)
            {
                ulong fd = (v % 4) switch
                {
                    0 => (ulong)rng.Next(0, 1_100),
                    1 => (ulong)rng.Next(5_000, 6_100),
                    2 => (uint)rng.Next() | ((ulong)(uint)rng.Next() << 32),
                    _ => (ulong)(uint)-rng.Next(0, 3),
                };
                var args = new ulong[] { fd, 0, (ulong)rng.Next(0, 1_100), 0, 0, 0 };
                var expected = ReferenceEvaluator.Evaluate(compiled.Resolved, info.AuditArch, (uint)read, args);
                var actual = runtime.Run(new SeccompData(read, info.AuditArch, 0, args), out _);
                Assert.True(expected.ToKernel() == actual.ToKernel(),
                    $"{compiled.Arch}: read(fd=0x{fd:x}, count={args[2]}): program says {actual}, reference says {expected}");
            }
        }
    }

    [Fact]
    public void CompileTimeGrowsAboutLinearlyWithTheNumberOfRules()
    {
        // Printed, not asserted: timings belong to benchmarks. Quadratic growth would show as a time per rule that
        // grows with the size.
        OnSmallStack(() => PolicyCompiler.Compile(ReadRules(1_000))); // warm up
        foreach (int n in new[] { 5_000, 10_000, 15_000, 20_000, 40_000 })
        {
            var model = ReadRules(n);
            var watch = Stopwatch.StartNew();
            var compilation = OnSmallStack(() => PolicyCompiler.Compile(model));
            watch.Stop();
            AssertTooLarge(compilation);
            _out.WriteLine($"{n,6} rules: {watch.Elapsed.TotalMilliseconds,8:F0} ms ({watch.Elapsed.TotalMilliseconds * 1000 / n:F1} µs per rule)");
        }
    }

    [Fact]
    public void TheGeneratorAndTheAnalyzersTakeAFortyThousandAttributeClass()
    {
        var source = new StringBuilder("using Seccomp;\n[SeccompPolicy(DefaultAction = SeccompAction.Errno, Architectures = new[] { SeccompArch.X86_64 })]\n");
        for (int i = 0; i < 40_000; i++) source.Append("[Allow(\"read\", When = \"fd == ").Append(i).Append("\")]\n");
        source.Append("internal static partial class Big;\n");
        var text = source.ToString();
        var (generatorError, diagnostics) = OnSmallStack(() =>
        {
            var driver = GeneratorHarness.CreateDriver().RunGenerators(GeneratorHarness.CreateCompilation(text));
            var error = driver.GetRunResult().Results.Select(r => r.Exception).FirstOrDefault(e => e != null);
            return (error, GeneratorHarness.Analyze(text));
        });
        Assert.Null(generatorError);
        Assert.Contains(diagnostics, d => d.Id == DiagnosticIds.ProgramTooLarge);
    }
}
