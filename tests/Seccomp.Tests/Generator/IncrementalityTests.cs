using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Seccomp.Generators;
using Seccomp.Tests.Support;
using Xunit;

namespace Seccomp.Tests;

/// <summary>An edit that does not touch a policy leaves every generator step cached (NetEscapades-style).</summary>
public class IncrementalityTests
{
    private static readonly string[] Steps = { SeccompGenerator.TrackingNames.Declarations, SeccompGenerator.TrackingNames.Policy, SeccompGenerator.TrackingNames.Compiled };

    [Fact]
    public void UnrelatedEditLeavesEveryStepCached()
    {
        var compilation = GeneratorHarness.CreateCompilation(GoldenFileTests.Service, "class Other { int X() => 1; }");
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);

        // Edit the other file, then add a new one.
        var other = compilation.SyntaxTrees.Last();
        var edited = compilation.ReplaceSyntaxTree(other, CSharpSyntaxTree.ParseText("class Other { int X() => 2; }", GeneratorHarness.ParseOptions, other.FilePath))
            .AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Third { }", GeneratorHarness.ParseOptions));
        driver = driver.RunGenerators(edited);
        var result = driver.GetRunResult().Results.Single();

        foreach (var step in Steps)
        {
            var outputs = result.TrackedSteps[step].SelectMany(s => s.Outputs).ToArray();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {o.Reason}"));
        }
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
    }

    [Fact]
    public void EditingThePolicyRecompilesIt()
    {
        var compilation = GeneratorHarness.CreateCompilation(GoldenFileTests.Service);
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.Single();
        var changed = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(GoldenFileTests.Service.Replace("\"ptrace\"", "\"ptrace\", \"bpf\""), GeneratorHarness.ParseOptions, tree.FilePath));
        var result = driver.RunGenerators(changed).GetRunResult().Results.Single();
        Assert.Contains(result.TrackedSteps[SeccompGenerator.TrackingNames.Compiled].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
    }
}
