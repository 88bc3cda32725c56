using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Seccomp.Generators;
using Seccomp.Tests.Support;
using Xunit;

namespace Seccomp.Tests;

/// <summary>
/// SeccompAllowRecording (build/Seccomp.Generators.targets) reaches the generator as build_property.SeccompAllowRecording:
/// only "true" lets Apply() record; absent or anything else enforces the policy as declared, whatever the environment.
/// </summary>
public class RecordingSettingTests
{
    private sealed class Options : AnalyzerConfigOptions
    {
        private readonly Dictionary<string, string> _values;
        public Options(Dictionary<string, string> values) => _values = values;
        public override bool TryGetValue(string key, out string value) => _values.TryGetValue(key, out value!);
    }

    private sealed class Provider : AnalyzerConfigOptionsProvider
    {
        private readonly Options _global;
        public Provider(Dictionary<string, string> values) => _global = new Options(values);
        public override AnalyzerConfigOptions GlobalOptions => _global;
        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options(new());
        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Options(new());
    }

    private static string Generate(Dictionary<string, string> properties)
    {
        var driver = CSharpGeneratorDriver.Create(new[] { new SeccompGenerator().AsSourceGenerator() }, parseOptions: GeneratorHarness.ParseOptions,
            optionsProvider: new Provider(properties));
        var run = driver.RunGenerators(GeneratorHarness.CreateCompilation(GoldenFileTests.Service)).GetRunResult();
        return Assert.Single(run.GeneratedTrees).ToString();
    }

    [Fact]
    public void Recording_is_allowed_only_when_the_property_is_true()
    {
        string on = Generate(new() { ["build_property.SeccompAllowRecording"] = "true" });
        Assert.Contains("[assembly: global::System.Reflection.AssemblyMetadata(\"Seccomp.RecordingAllowed\", \"Contoso.Service.ServiceSandbox\")]", on);
        // The declaration travels in every build (in-process reports name the deciding rule); only the flag differs.
        Assert.Matches(@"RecordingAllowed = true,\s+(//[^\n]*\s+)?PolicySource = SeccompPolicySource,", on);

        foreach (var value in new[] { "false", "", "1", "yes" })
        {
            string off = Generate(new() { ["build_property.SeccompAllowRecording"] = value });
            Assert.DoesNotContain("Seccomp.RecordingAllowed", off);
            Assert.Matches(@"RecordingAllowed = false,\s+(//[^\n]*\s+)?PolicySource = SeccompPolicySource,", off);
        }
        Assert.Matches(@"RecordingAllowed = false,\s+(//[^\n]*\s+)?PolicySource = SeccompPolicySource,", Generate(new()));
    }

    [Fact]
    public void Rule_paths_are_relative_to_the_project_directory()
    {
        string src = Generate(new() { ["build_property.ProjectDir"] = "/" });
        Assert.Contains("\\\"file\\\":\\\"Source0.cs\\\",\\\"line\\\":6,\\\"text\\\":\\\"[Deny(\\\\\\\"execve\\\\\\\", \\\\\\\"execveat\\\\\\\", Errno = Errno.EACCES)]\\\"", src);
    }
}
