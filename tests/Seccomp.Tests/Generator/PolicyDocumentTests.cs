using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Seccomp.Compiler;
using Seccomp.Compiler.Policy;
using Seccomp.Generators;
using Seccomp.Tests.Support;
using Xunit;

namespace Seccomp.Tests;

/// <summary>
/// The one format a policy leaves the assembly in (the generated SeccompPolicySource, and the file a recording install
/// leaves for the tool): random policies written and read back, by the generator's writer, the runtime's copy of the
/// format and the reader the tool uses; and the settings schema held against the attribute class it describes.
/// </summary>
public class PolicyDocumentTests
{
    private const string Nasty = "\"\\\u0000\u0001\u001f\u007f\u2028\u00e9\ud83d\ude00/\t\n\r{}[],:";

    private static string RandomText(Random rng, int max = 12)
    {
        var sb = new StringBuilder();
        int n = rng.Next(max + 1);
        for (int i = 0; i < n; i++)
            sb.Append(rng.Next(4) switch
            {
                0 => Nasty[rng.Next(Nasty.Length)],
                1 => (char)rng.Next(0x20, 0x7f),
                2 => (char)rng.Next(0xa0, 0xd7ff),
                _ => (char)('a' + rng.Next(26)),
            });
        return sb.ToString();
    }

    /// <summary>A random policy target: the compiler's random model with every setting varied, and random names and places.</summary>
    private static PolicyTarget RandomTarget(Random rng)
    {
        var archs = ArchInfo.All.Select(a => a.Arch).Where(_ => rng.Next(2) == 0).ToArray();
        if (archs.Length == 0) archs = new[] { CoreArch.X86_64 };
        var model = RandomPolicies.Create(rng, "P", conditions: rng.Next(2) == 0, archs: archs, maxRules: 12).Model;
        model = model with
        {
            UnknownSyscallAction = rng.Next(3) == 0 ? RandomPolicies.RandomVerdict(rng) : model.UnknownSyscallAction,
            HotSyscalls = rng.Next(3) switch
            {
                0 => null,
                1 => EquatableArray<string>.Empty,
                _ => EquatableArray.From(Enumerable.Range(0, rng.Next(1, 6)).Select(_ => rng.Next(2) == 0 ? RandomText(rng) : "read:" + rng.Next(1000)).ToArray()),
            },
            // A rule's condition and names as written, whatever they hold: the format carries them, the compiler judges them.
            Rules = EquatableArray.From(model.Rules.Select(r => rng.Next(5) == 0 ? r with { When = RandomText(rng) } : r).ToArray()),
        };
        // No backslashes in paths: the writer spells every path with '/', on purpose.
        var sources = model.Rules.Select(_ => new RuleSource(RandomText(rng).Replace('\\', '/'), rng.Next(0, 100000), RandomText(rng, 40))).ToArray();
        string name = "Ns." + RandomText(rng);
        return new PolicyTarget("Ns", EquatableArray<string>.Empty, "P", name, name + ".g.cs", rng.Next(2) == 0, model, false, EquatableArray.From(sources));
    }

    [Fact]
    public void RandomPoliciesComeBackAsTheyWereWrittenThroughTheGeneratedSource()
    {
        var rng = new Random(1801);
        for (int i = 0; i < 400; i++)
        {
            var target = RandomTarget(rng);
            string json = SeccompGenerator.PolicySourceJson(target, new GeneratorSettings(false, null));
            var back = DeclaredPolicy.Parse(json);
            Assert.Equal(target.FullName, back.Name);
            Assert.Equal(target.Model, back.Model);
            Assert.Equal(target.LogDenied, back.LogDenied);
            Assert.Equal(target.RuleSources.ToArray(), back.Sources.ToArray());
            Assert.Null(back.Applied);
            // Deterministic: the same policy, the same text.
            Assert.Equal(json, back.ToJson());
        }
    }

    [Fact]
    public void TheFileARecordingInstallLeavesIsTheSameDocumentWithTheProgramTheRuntimeAdded()
    {
        var rng = new Random(1802);
        for (int i = 0; i < 200; i++)
        {
            var target = RandomTarget(rng);
            string source = SeccompGenerator.PolicySourceJson(target, new GeneratorSettings(false, null));
            var bytes = new byte[rng.Next(0, 64) * 8];
            rng.NextBytes(bytes);
            var arch = (SeccompArch)rng.Next(ArchInfo.All.Count);
            // What RecordingInstaller writes, with the runtime's own copy of the format...
            string file = Seccomp.Common.PolicyDocument.Parse(source).WithApplied(arch, bytes).ToJson();
            // ...and what the tool reads, with the compiler core's copy and the generator's schema.
            var back = DeclaredPolicy.Parse(file);
            Assert.Equal(target.Model, back.Model);
            Assert.Equal(target.LogDenied, back.LogDenied);
            Assert.Equal(target.RuleSources.ToArray(), back.Sources.ToArray());
            Assert.NotNull(back.Applied);
            Assert.Equal((int)arch, (int)back.Applied!.Arch);
            Assert.Equal(bytes, back.Applied.Program);
        }
    }

    [Fact]
    public void APolicyWithoutItsOwnHotProfileIsWrittenAsVersionOneAlwaysWas()
    {
        var random = RandomTarget(new Random(7));
        var target = random with { Model = random.Model with { HotSyscalls = null } };
        string json = SeccompGenerator.PolicySourceJson(target, new GeneratorSettings(false, null));
        Assert.StartsWith("{\"version\":1,\"name\":", json);
        Assert.DoesNotContain("hotSyscalls", json);
        Assert.Contains("\"hotSyscalls\":[]", SeccompGenerator.PolicySourceJson(target with { Model = target.Model with { HotSyscalls = EquatableArray<string>.Empty } },
            new GeneratorSettings(false, null)));
    }

    [Theory]
    [InlineData("{\"version\":2,\"name\":\"P\",\"rules\":[]}", "version 2")]
    [InlineData("{\"name\":\"P\",\"rules\":[]}", "no version")]
    [InlineData("seccomp-policy 1\nP\nx86_64\n", "not valid JSON")]
    [InlineData("{\"version\":1,\"name\":\"P\",\"rules\":[],\"default\":{\"action\":\"Sometimes\",\"data\":0}}", "unknown action")]
    [InlineData("{\"version\":1,\"name\":\"P\",\"rules\":[],\"architectures\":[\"Vax\"]}", "unknown architecture")]
    [InlineData("{\"version\":1,\"name\":\"P\",\"rules\":[],\"applied\":{\"arch\":\"X86_64\",\"program\":\"!!\"}}", "base64")]
    [InlineData("{\"version\":1,\"version\":1,\"name\":\"P\",\"rules\":[]}", "twice")]
    public void ADocumentOfAnotherVersionOrShapeIsRefusedSayingWhy(string json, string why)
    {
        var ex = Assert.Throws<FormatException>(() => DeclaredPolicy.Parse(json));
        Assert.Contains(why, ex.Message);
    }

    private const string Damage = "{}[]\",:0-9tfn\\u";

    [Fact]
    public void DamagedDocumentsAreRefusedWithAFormatExceptionAndNothingElse()
    {
        // The file a recording install leaves comes from another process: whatever it holds, the reader either reads
        // a document or says it is not one.
        var rng = new Random(1803);
        int refused = 0;
        for (int i = 0; i < 2000; i++)
        {
            var target = RandomTarget(rng);
            var chars = Seccomp.Common.PolicyDocument.Parse(SeccompGenerator.PolicySourceJson(target, new GeneratorSettings(false, null)))
                .WithApplied(SeccompArch.X86_64, new byte[16]).ToJson().ToCharArray().ToList();
            int at = rng.Next(chars.Count);
            int how = rng.Next(3);
            switch (how)
            {
                case 0: chars.RemoveRange(at, Math.Min(1 + rng.Next(8), chars.Count - at)); break;  // a piece cut out
                case 1: chars[at] = Damage[rng.Next(Damage.Length)]; break;                          // one character changed
                default: chars.RemoveRange(at, chars.Count - at); break;                           // cut short
            }
            try
            {
                DeclaredPolicy.Parse(new string(chars.ToArray()));
            }
            catch (FormatException)
            {
                refused++;
                continue;
            }
            // A document cut short is never read as one; other damage may fall inside a string and be read.
            Assert.NotEqual(2, how);
        }
        Assert.InRange(refused, 600, 2000);
    }

    [Fact]
    public void DeepNestingIsRefusedNotRecursedInto()
    {
        string deep = "{\"version\":1,\"name\":\"P\",\"rules\":[],\"x\":" + new string('[', 100000) + new string(']', 100000) + "}";
        var ex = Assert.Throws<FormatException>(() => Seccomp.Common.PolicyDocument.Parse(deep));
        Assert.Contains("nested too deeply", ex.Message);
    }

    [Fact]
    public void TheSchemaDescribesEveryPropertyOfTheAttributeWithItsDefault()
    {
        // Every public settable property of [SeccompPolicy] is in the schema, with the default the attribute itself has.
        var attribute = new SeccompPolicyAttribute();
        var properties = typeof(SeccompPolicyAttribute).GetProperties().Where(p => p.CanWrite).ToList();
        Assert.Equal(properties.Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal),
            PolicySchema.Properties.Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal));
        foreach (var p in properties)
        {
            var schema = PolicySchema.Property(p.Name)!;
            object? actual = p.GetValue(attribute);
            object? expected = schema.Kind switch
            {
                SettingKind.Action or SettingKind.Errno => actual == null ? null : Convert.ToInt32(actual, System.Globalization.CultureInfo.InvariantCulture),
                _ => actual,
            };
            Assert.Equal(schema.Default, expected);
        }
        // Each setting has its own key, and none is one the document keeps for itself.
        var keys = PolicySchema.Settings.Select(s => s.Key).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.DoesNotContain(keys, k => k is "version" or "name" or "rules" or "applied");
    }

    [Fact]
    public void TheSchemaDrivesTheSyntaxAndTheBoundReaderAlikeForEverySetting()
    {
        // A policy that sets every property away from its default reads the same both ways, and as the model says.
        const string source = """
            using Seccomp;
            [SeccompPolicy(DefaultAction = SeccompAction.Trap, DefaultErrno = Errno.EACCES, BadArchAction = SeccompAction.Errno,
                UnknownSyscalls = SeccompAction.Errno, UnknownSyscallsErrno = Errno.EPERM, LogDenied = true,
                Architectures = new[] { SeccompArch.Aarch64 }, HotSyscalls = new[] { "read:10", "write" })]
            [Allow("read", "write")]
            internal static partial class P;
            """;
        var compilation = GeneratorHarness.CreateCompilation(source);
        var tree = compilation.SyntaxTrees.Single();
        var cls = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax>().Single();
        var fromSyntax = PolicySyntaxReader.TryRead(cls, default);
        var fromBinding = PolicyTargetReader.Read(compilation.GetTypeByMetadataName("P")!, default);
        Assert.NotNull(fromSyntax);
        Assert.NotNull(fromBinding);
        Assert.Equal(fromBinding!.Model, fromSyntax!.Model);
        Assert.True(fromSyntax.LogDenied);
        Assert.True(fromBinding.LogDenied);
        var m = fromSyntax.Model;
        Assert.Equal(new CoreVerdict(CoreAction.Trap, 0), m.DefaultAction);
        Assert.Equal(CoreVerdict.Errno(1), m.BadArchAction);
        Assert.Equal(CoreVerdict.Errno(1), m.UnknownSyscallAction);
        Assert.Equal(new[] { CoreArch.Aarch64 }, m.Architectures.ToArray());
        Assert.Equal(new[] { "read:10", "write" }, m.HotSyscalls!.Value.ToArray());
    }
}
