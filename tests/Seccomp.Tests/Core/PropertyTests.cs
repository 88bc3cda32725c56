using System;
using System.Linq;
using System.Reflection;
using Seccomp.Compiler;
using Seccomp.Compiler.Codegen;
using Seccomp.Compiler.Policy;
using Seccomp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Seccomp.Tests;

/// <summary>
/// Random policies and random calls: the generated program, run in the runtime's interpreter, must give the
/// reference evaluator's verdict, which is computed from the rules with no BPF involved.
/// </summary>
public class PropertyTests
{
    private readonly ITestOutputHelper _out;

    public PropertyTests(ITestOutputHelper output) => _out = output;

    internal static SeccompProgram CompileProgram(PolicyModel model, CoreArch arch)
    {
        var compilation = PolicyCompiler.Compile(model);
        var errors = compilation.Errors.ToList();
        Assert.True(errors.Count == 0, "the random policy has errors: " + string.Join("; ", errors.Select(e => e.Message)));
        return new SeccompProgram((SeccompArch)arch, compilation.Program(arch).ToBytes());
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 2)]
    [InlineData(true, 3)]
    [InlineData(true, 4)]
    [InlineData(true, 5)]
    public void ProgramMatchesReferenceEvaluator(bool conditions, int seed)
    {
        var rng = new Random(seed * 7919);
        int vectors = 0;
        for (int p = 0; p < 150; p++)
        {
            var policy = RandomPolicies.Create(rng, "P", conditions);
            foreach (var arch in policy.Model.Architectures)
            {
                var info = ArchInfo.Get(arch);
                var resolved = PolicyCompiler.Compile(policy.Model).Program(arch).Resolved;
                var program = CompileProgram(policy.Model, arch);
                Assert.Empty(Seccomp.Compiler.Bpf.BpfVerifier.Verify(program.Code()));
                for (int v = 0; v < 150; v++)
                {
                    var (auditArch, nr, args) = RandomPolicies.RandomCall(rng, info, policy);
                    var expected = ReferenceEvaluator.Evaluate(resolved, auditArch, nr, args);
                    var actual = program.Run(new SeccompData(unchecked((int)nr), auditArch, 0, args), out _);
                    if (actual.ToKernel() != expected.ToKernel())
                        Assert.Fail($"policy {p} on {arch}: call nr={nr} arch=0x{auditArch:x} args=[{string.Join(", ", args.Select(a => "0x" + a.ToString("x")))}]: "
                            + $"program says {actual}, reference says {expected}\n{policy.Source}\n{program.Disassemble()}");
                    vectors++;
                }
            }
        }
        _out.WriteLine($"{vectors} vectors agreed");
    }

    [Fact]
    public void GeneratedEvaluateMatchesReferenceAndCore()
    {
        // The whole path a user takes: attributes -> generator -> compiled class -> Evaluate().
        var rng = new Random(4242);
        int vectors = 0;
        for (int p = 0; p < 12; p++)
        {
            var policy = RandomPolicies.Create(rng, "Policy" + p, conditions: p % 2 == 1);
            var type = GeneratorHarness.CompileAndLoad(policy.Source).GetType("Generated." + policy.ClassName)!;
            var evaluateByNumber = type.GetMethod("Evaluate", new[] { typeof(SeccompArch), typeof(int), typeof(ulong[]) })!;
            var evaluateByName = type.GetMethod("Evaluate", new[] { typeof(SeccompArch), typeof(string), typeof(ulong[]) })!;
            var getProgram = type.GetMethod("GetProgram")!;
            foreach (var arch in policy.Model.Architectures)
            {
                var info = ArchInfo.Get(arch);
                var resolved = PolicyCompiler.Compile(policy.Model).Program(arch).Resolved;
                var generated = (SeccompProgram)getProgram.Invoke(null, new object[] { (SeccompArch)arch })!;
                var core = CompileProgram(policy.Model, arch);
                Assert.True(core.ToBytes().AsSpan().SequenceEqual(generated.ToBytes()),
                    $"{policy.Source}\ncore:\n{core.Disassemble()}\ngenerated:\n{generated.Disassemble()}");
                for (int v = 0; v < 400; v++)
                {
                    var (_, nr, args) = RandomPolicies.RandomCall(rng, info, policy);
                    var expected = ReferenceEvaluator.Evaluate(resolved, info.AuditArch, nr, args);
                    var actual = (SeccompVerdict)evaluateByNumber.Invoke(null, new object[] { (SeccompArch)arch, unchecked((int)nr), args })!;
                    Assert.Equal(expected.ToString(), actual.ToString());
                    if (info.TryGetName(unchecked((int)nr), out var name))
                        Assert.Equal(actual, (SeccompVerdict)evaluateByName.Invoke(null, new object[] { (SeccompArch)arch, name, args })!);
                    vectors++;
                }
            }
        }
        _out.WriteLine($"{vectors} vectors agreed through the generated Evaluate()");
    }

    [Fact]
    public void AttributeOrderDoesNotChangeTheProgram()
    {
        var rng = new Random(99);
        for (int p = 0; p < 60; p++)
        {
            var policy = RandomPolicies.Create(rng, "P", conditions: true);
            var shuffled = policy.Model with
            {
                Rules = EquatableArray.From(policy.Model.Rules.OrderBy(_ => rng.Next()).Select((r, i) => r with { Index = i })),
            };
            foreach (var arch in policy.Model.Architectures)
                Assert.Equal(CompileProgram(policy.Model, arch).ToBytes(), CompileProgram(shuffled, arch).ToBytes());
        }
    }
}
