using CoreVerdict = Seccomp.Compiler.SeccompVerdict;
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Seccomp.Compiler;
using Seccomp.Generators;
using Xunit;

namespace Seccomp.Tool.Tests;

/// <summary>
/// Recordings are untrusted input (issue 17): a name that is not in the tables is refused with exit 4 and one line, and
/// free text that may reach the class (command lines) cannot add anything to it. The class is read back with the
/// generator's own syntax reader, so what is checked is what the build will compile.
/// </summary>
public class UntrustedRecordingTests
{
    private const string Getpgrp = "\"getpgrp\": { \"nr\": 111, \"count\": 1, \"args\": {} }";

    private static string Doc(string x86Calls, string extra = "") =>
        "{ \"version\": 1, \"source\": \"record\", \"command\": [\"dotnet\", \"app.dll\"]" + extra
        + ", \"architectures\": { \"x86_64\": { " + x86Calls + " } } }";

    public static IEnumerable<object[]> Invalid() => new[]
    {
        // name in the JSON (as JSON text)                                          the message after "FILE: "
        new object[] { Doc("\"exe\\ncve\": { \"nr\": 59, \"count\": 1 }"), "architectures.x86_64.\"exe\\ncve\": not a syscall of x86_64" },
        new object[] { Doc("\"getpgrp*/\": { \"nr\": 111, \"count\": 1 }"), "architectures.x86_64.\"getpgrp*\\/\": not a syscall of x86_64" },
        new object[] { Doc("\"getpgrp\\u2028[Allow(\\\"execve\\\")]\": { \"count\": 1 }"),
            "architectures.x86_64.\"getpgrp\\u2028[Allow(\\\"execve\\\")]\": not a syscall of x86_64" },
        new object[] { Doc("\"a\\\"\\\\b\": { \"count\": 1 }"), "architectures.x86_64.\"a\\\"\\\\b\": not a syscall of x86_64" },
        new object[] { Doc("\"nr_39\": { \"nr\": 39, \"count\": 1 }"), "architectures.x86_64.nr_39: not a syscall of x86_64" },
        new object[] { Doc("\"x32:nr_007\": { \"count\": 1 }"), "architectures.x86_64.\"x32:nr_007\": not a syscall of x86_64" },
        new object[] { Doc("\"socket\": { \"nr\": 41, \"count\": 1, \"args\": { \"fam\\nily\": { \"values\": [1] }, \"type\": { \"values\": [1] }, \"protocol\": { \"values\": [0] } } }"),
            "architectures.x86_64.socket.args.\"fam\\nily\": not a parameter of socket on x86_64 (family, type, protocol)" },
        new object[] { Doc("\"socket\": { \"nr\": 41, \"count\": 1, \"args\": { \"family\": { \"values\": [1] } } }"),
            "architectures.x86_64.socket.args: missing type, protocol" },
        new object[] { Doc("\"getpgrp\": { \"nr\": \"111\", \"count\": 1 }"), "architectures.x86_64.getpgrp.nr: a string where a 32-bit integer belongs" },
        new object[] { Doc("\"getpgrp\": { \"nr\": 59, \"count\": 1 }"), "architectures.x86_64.getpgrp.nr: 59 is not the number of getpgrp on x86_64 (111)" },
        new object[] { Doc("\"getpgrp\": { \"nr\": 111, \"count\": -1 }"), "architectures.x86_64.getpgrp.count: the number -1 where a count (0 or more) belongs" },
        new object[] { Doc("\"listen\": { \"nr\": 50, \"args\": { \"fd\": { \"values\": [\"3\"] }, \"backlog\": { \"values\": [1] } } }"),
            "architectures.x86_64.listen.args.fd.values[0]: a string where a number from 0 to 2^64-1 belongs" },
        new object[] { Doc("\"listen\": { \"nr\": 50, \"args\": { \"fd\": { \"values\": [18446744073709551616] }, \"backlog\": { \"values\": [1] } } }"),
            "architectures.x86_64.listen.args.fd.values[0]: the number 18446744073709551616 where a number from 0 to 2^64-1 belongs" },
        new object[] { Doc("\"getpgrp\": { \"nr\": 111, \"count\": 1, \"count\": 2 }"), "architectures.x86_64.getpgrp.count: given twice" },
        new object[] { Doc("\"getpgrp\": { \"nr\": 111, \"when\": \"x\" }"), "architectures.x86_64.getpgrp.when: not a field of a recording" },
        new object[] { "{ \"version\": 1, \"architectures\": { \"x86_64\\n\": {} } }", "architectures.\"x86_64\\n\": not an architecture this tool knows" },
        new object[] { "{ \"version\": 1, \"architectures\": { \"mips\": {} } }", "architectures.mips: not an architecture this tool knows" },
        new object[] { Doc(Getpgrp, ", \"processes\": [ { \"pid\": 1, \"command\": 5 } ]"), "processes[0].command: the number 5 where a string belongs" },
        new object[] { Doc(Getpgrp, ", \"processes\": [ { \"pid\": 1, \"command\": \"a\\ud800b\" } ]"), "processes[0].command: not valid text" },
        new object[] { Doc(Getpgrp, ", \"foreign\": { \"i386\\n\": { \"nr_1\": 1 } }"), "foreign.\"i386\\n\": not a foreign ABI this tool writes" },
        new object[] { Doc(Getpgrp, ", \"foreign\": { \"i386\": { \"nr_1\\n\": 1 } }"), "foreign.i386.\"nr_1\\n\": not a syscall number (nr_N)" },
        // What record let run unrecorded (issue 21 item 4): group names of the tables, syscall names of the tables.
        new object[] { Doc(Getpgrp, ", \"allowGroups\": [\"aspnetcore\", \"no-such-group\"]"), "allowGroups[1]: \"no-such-group\" is not a group this tool knows" },
        new object[] { Doc(Getpgrp, ", \"allowGroups\": [\"@aspnetcore\"]"), "allowGroups[0]: \"@aspnetcore\" is not a group this tool knows" },
        new object[] { Doc(Getpgrp, ", \"allowGroups\": [7]"), "allowGroups[0]: the number 7 where a string belongs" },
        new object[] { Doc(Getpgrp, ", \"allowGroups\": \"aspnetcore\""), "allowGroups: a string where an array belongs" },
        new object[] { Doc(Getpgrp, ", \"allow\": [\"exe\\ncve\"]"), "allow[0]: \"exe\\ncve\" is not a syscall of any architecture this tool knows" },
        new object[] { Doc(Getpgrp, ", \"allow\": [\"getpgrp\", \"nr_39\"]"), "allow[1]: \"nr_39\" is not a syscall of any architecture this tool knows" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_recordings_are_refused_with_one_line_naming_the_file_and_the_entry(string json, string message)
    {
        string dir = ProcessRunner.TempDir();
        string rec = Path.Combine(dir, "rec.json"), cs = Path.Combine(dir, "S.cs");
        File.WriteAllText(rec, json);
        var r = ProcessRunner.Tool("policy", rec, "--class", "App.S", "-o", cs);
        Assert.Equal(4, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.EndsWith("\n", r.Stderr);
        string line = r.Stderr.TrimEnd('\n');
        Assert.DoesNotContain('\n', line);
        // FILE:LINE:POSITION: first (all on line 1 here), then the entry.
        Assert.Matches($"^dotnet-seccomp: {Regex.Escape(rec)}:1:[1-9][0-9]*: {Regex.Escape(message)}", line);
        Assert.DoesNotContain("   at ", line);
        Assert.False(File.Exists(cs));
    }

    /// <summary>Issue 21 item 3: every recording error names the file, the line and the position (from 1, in bytes).</summary>
    [Theory]
    [InlineData("{ \"version\": 1,\n  \"architectures\": {\n    \"x86_64\": {\n      \"getpgrp\": { \"nr\": \"111\", \"count\": 1 } } } }",
        "4:20: architectures.x86_64.getpgrp.nr: a string where a 32-bit integer belongs")]
    [InlineData("{ \"version\": 1,\n  \"architectures\": { \"x86_64\": {\n    \"listen\": { \"nr\": 50, \"args\": {\n      \"fd\": { \"values\": [1, \"3\"] }, \"backlog\": { \"values\": [1] } } } } } }",
        "4:29: architectures.x86_64.listen.args.fd.values[1]: a string where a number from 0 to 2^64-1 belongs")]
    [InlineData("{ \"version\": 1,\n  \"architectures\": { \"x86_64\": {\n    \"getpgrp\": { \"nr\": 111,\n      \"count\": 1, \"count\": 2 } } } }",
        "4:19: architectures.x86_64.getpgrp.count: given twice")]
    [InlineData("{ \"version\": 1,\n  \"exitCode\": \"0\" }", "2:3: exitCode: a string where a 32-bit integer belongs")]
    [InlineData("{ \"version\": 1,\n  \"architectures\": { \"x86_64\": { \"getpgrp\": { \"nr\": x } } } }", "2:53: not JSON: 'x' is an invalid start of a value")]
    [InlineData("{ \"version\": 1,\n\n  \"architectures\": {\n", "4:1: not JSON: ")]
    public void A_recording_error_names_the_file_the_line_and_the_position(string json, string expected)
    {
        string dir = ProcessRunner.TempDir();
        string rec = Path.Combine(dir, "rec.json"), cs = Path.Combine(dir, "S.cs");
        File.WriteAllText(rec, json);
        var r = ProcessRunner.Tool("policy", rec, "--class", "App.S", "-o", cs);
        Assert.Equal(4, r.ExitCode);
        Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"dotnet-seccomp: {rec}:{expected}", r.Stderr);
        Assert.DoesNotContain("LineNumber", r.Stderr);
        Assert.False(File.Exists(cs));
    }

    /// <summary>Issue 21 item 3: a recording with no architecture this tool knows gives no policy for the host's.</summary>
    [Theory]
    [InlineData("{ \"version\": 1, \"architectures\": { \"sparc\": { \"read\": { \"count\": 1 } } } }", "1:36: architectures.sparc: not an architecture this tool knows")]
    [InlineData("{ \"version\": 1, \"architectures\": {}, \"foreign\": { \"arch_0x12345678\": { \"nr_3\": 2 } } }",
        "1:17: architectures: no architecture this tool knows (x86_64, aarch64, riscv64, arm, ppc64le, s390x, loongarch64): only calls of arch_0x12345678")]
    [InlineData("{ \"version\": 1, \"foreign\": { \"i386\": { \"nr_3\": 2 } } }", " no architecture this tool knows")]
    public void A_recording_with_no_architecture_this_tool_knows_is_refused(string json, string expected)
    {
        string dir = ProcessRunner.TempDir();
        string rec = Path.Combine(dir, "rec.json"), cs = Path.Combine(dir, "S.cs");
        File.WriteAllText(rec, json);
        var r = ProcessRunner.Tool("policy", rec, "--class", "App.S", "-o", cs);
        Assert.Equal(4, r.ExitCode);
        Assert.StartsWith($"dotnet-seccomp: {rec}:{expected}", r.Stderr);
        Assert.False(File.Exists(cs));
    }

    [Fact]
    public void An_unreadable_recording_is_one_line_too()
    {
        string dir = ProcessRunner.TempDir();
        foreach (string path in new[] { "", dir, Path.Combine(dir, "missing\n.json") })
        {
            var r = ProcessRunner.Tool("policy", path, "--class", "App.S", "-o", Path.Combine(dir, "S.cs"));
            Assert.Equal(4, r.ExitCode);
            Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
            Assert.StartsWith("dotnet-seccomp: cannot read " + SourceText.Escape(path) + ": ", r.Stderr);
        }
    }

    // ---- free text --------------------------------------------------------------------------------------------------

    /// <summary>What breaks out of a comment, a string or a line, or hides text: the pieces random text is made of.</summary>
    private static readonly string[] s_pieces =
    {
        "\n", "\r", "\r\n", "\u0085", "\u2028", "\u2029", "\u000b", "\u000c", "\0", "\t", "*/", "/*", "//", "\"", "\\", "\\n", "\\u000a",
        "#if NEVER", "#define X", "#line 1", "#pragma warning disable", "}", "{", ";", "]", "[Allow(\"execve\", \"kill\")]",
        "[System.Runtime.CompilerServices.ModuleInitializer] internal static void Init() => System.Environment.Exit(7);",
        "\u202e", "\u2066", "\u200b", "\ufeff", "\u00ad", "\ue000", "\U000e0041", "\U0001f600", "é", "x", " ", "dotnet app.dll",
    };

    private static string RandomText(Random random)
    {
        var sb = new StringBuilder();
        int n = random.Next(1, 12);
        for (int i = 0; i < n; i++) sb.Append(s_pieces[random.Next(s_pieces.Length)]);
        return sb.ToString();
    }

    /// <summary>A JSON string literal with everything outside printable ASCII escaped, so any text survives the file.</summary>
    private static string Json(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in s)
        {
            if (c == '"' || c == '\\') sb.Append('\\').Append(c);
            else if (c < 0x20 || c > 0x7e) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else sb.Append(c);
        }
        return sb.Append('"').ToString();
    }

    /// <summary>A recording with fixed calls and the given free text in every place a recording has free text.</summary>
    private static string WithText(string command, string process, string calls) =>
        "{ \"version\": 1, \"source\": \"record\", \"command\": [" + Json(command) + ", " + Json(command) + "], "
        + "\"processes\": [ { \"pid\": 10, \"command\": " + Json(process) + " }, { \"pid\": 11, \"command\": " + Json(command + process) + " } ], "
        + "\"architectures\": { \"x86_64\": { " + calls + " } } }";

    private const string Calls =
        Getpgrp + ", \"listen\": { \"nr\": 50, \"count\": 2, \"args\": { \"fd\": { \"values\": [5] }, \"backlog\": { \"values\": [128] } } }, "
        + "\"socket\": { \"nr\": 41, \"count\": 3, \"args\": { \"family\": { \"values\": [2] }, \"type\": { \"values\": [1] }, \"protocol\": { \"values\": [0] } } }";

    private const string MoreCalls = "\"getpgid\": { \"nr\": 121, \"count\": 1, \"args\": { \"pid\": { \"values\": [0] } } }";

    /// <summary>
    /// The class as the build sees it: exactly one type, no members, no directives, comments that are all `//` lines,
    /// and the rules the generator's own syntax reader finds. Returns those rules as text. expectedLines: -1 for any.
    /// </summary>
    private static List<string> ReadBack(string text, string className, int expectedLines)
    {
        if (expectedLines >= 0) Assert.Equal(expectedLines, text.Split('\n').Length);
        Assert.DoesNotContain(text, c => c is '\r' or '\u0085' or '\u2028' or '\u2029');
        var tree = CSharpSyntaxTree.ParseText(text, new CSharpParseOptions(LanguageVersion.Latest));
        Assert.Empty(tree.GetDiagnostics());
        var root = (CompilationUnitSyntax)tree.GetRoot();
        Assert.Equal("Seccomp", Assert.Single(root.Usings).Name!.ToString());
        Assert.Empty(root.AttributeLists);
        var ns = Assert.IsType<FileScopedNamespaceDeclarationSyntax>(Assert.Single(root.Members));
        var cls = Assert.IsType<ClassDeclarationSyntax>(Assert.Single(ns.Members));
        Assert.Equal(className, cls.Identifier.ValueText);
        Assert.Empty(cls.Members);
        Assert.Equal(2, root.DescendantNodes().OfType<MemberDeclarationSyntax>().Count());
        Assert.All(root.DescendantTrivia(descendIntoTrivia: true), t =>
            Assert.True(t.IsKind(SyntaxKind.WhitespaceTrivia) || t.IsKind(SyntaxKind.EndOfLineTrivia) || t.IsKind(SyntaxKind.SingleLineCommentTrivia), $"{t.Kind()}: {t}"));

        // The generator's reader: the policy the build compiles.
        var target = PolicySyntaxReader.TryRead(cls, CancellationToken.None);
        Assert.NotNull(target);
        Assert.False(target!.HasReadErrors);
        return target.Model.Rules.Select(r => $"{(r.Action == CoreVerdict.Allow ? "Allow" : r.Action.ToString())} {string.Join(",", r.Syscalls)} {r.When}").ToList();
    }

    private static readonly Lazy<MetadataReference[]> s_references = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .Append(Path.Combine(AppContext.BaseDirectory, "Seccomp.dll"))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray());

    /// <summary>
    /// The class compiled through the real generator, as a build would (the assembly is emitted, never loaded): no
    /// diagnostic, and the rules of the policy source the generator puts into the class, as `explain` reads them.
    /// </summary>
    private static List<string> CompileWithGenerator(string text, string fullName)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create("Written" + Guid.NewGuid().ToString("N"),
            new[] { CSharpSyntaxTree.ParseText(text, parse, path: "Sandbox.cs") }, s_references.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
        CSharpGeneratorDriver.Create(new[] { new SeccompGenerator().AsSourceGenerator() }, parseOptions: parse)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        Assert.Empty(generatorDiagnostics);
        using var pe = new MemoryStream();
        var emit = output.Emit(pe);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        var type = output.GetTypeByMetadataName(fullName);
        Assert.NotNull(type);
        var source = (IFieldSymbol)Assert.Single(type!.GetMembers(PolicySource.FieldName));
        return PolicySource.Parse((string)source.ConstantValue!).Rules
            .Select(r => $"{(r.Action == CoreVerdict.Allow ? "Allow" : r.Action.ToString())} {string.Join(",", r.Syscalls)} {r.When}").ToList();
    }

    private static readonly string[] s_expectedRules =
    {
        "Allow @dotnet-runtime ",
        "Allow getpgrp ",
        "Allow listen ",
        "Allow socket domain in (AF_INET) && ((type & 0xf) == SOCK_STREAM)",
    };

    [Fact]
    public void Command_lines_reach_the_class_only_as_comments_whatever_they_hold()
    {
        string dir = ProcessRunner.TempDir();
        var random = new Random(17);

        // The shape of the file with harmless text: the number of lines every other run must have too.
        string baselineRec = Path.Combine(dir, "base.json"), baselineCs = Path.Combine(dir, "Base.cs");
        File.WriteAllText(baselineRec, WithText("dotnet app.dll", "dotnet app.dll --x", Calls));
        var baseline = PolicyGenerator.Generate(Merged(baselineRec), Options(baselineCs, "Sandbox"));
        int lines = baseline.Text.Split('\n').Length;
        Assert.Equal(s_expectedRules, ReadBack(baseline.Text, "Sandbox", lines));

        for (int i = 0; i < 300; i++)
        {
            string command = RandomText(random), process = RandomText(random);
            string rec = Path.Combine(dir, $"r{i}.json");
            File.WriteAllText(rec, WithText(command, process, Calls));
            var result = PolicyGenerator.Generate(Merged(rec), Options(Path.Combine(dir, $"S{i}.cs"), "Sandbox"));
            var rules = ReadBack(result.Text, "Sandbox", lines);
            Assert.Equal(s_expectedRules, rules);
            // What the tool reports adding is what the class has (the group besides).
            Assert.Equal(result.Added.Select(p => $"Allow {p.Syscall} {p.When}"), rules.Skip(1));
            // The text is there, readable: the comment is the escaped command line (when short enough not to be cut).
            if (command.Length * 2 + 1 <= 200)
                Assert.Contains("// recorded: " + SourceText.Escape(command + " " + command) + "\n", result.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_tool_writes_and_merges_into_a_class_that_holds_only_the_reported_rules()
    {
        var random = new Random(4);
        // The same runs twice: with harmless text (the shape every file must have) and with random text.
        string plainDir = ProcessRunner.TempDir(), dir = ProcessRunner.TempDir();
        for (int run = 0; run < 2; run++)
        {
            // First run: a new file. Second run: a new call merged into the existing class.
            string calls = run == 0 ? Calls : Calls + ", " + MoreCalls;
            string plainRec = Path.Combine(plainDir, $"rec{run}.json"), rec = Path.Combine(dir, $"rec{run}.json");
            File.WriteAllText(plainRec, WithText("dotnet app.dll", "dotnet app.dll", calls));
            File.WriteAllText(rec, WithText(RandomText(random), RandomText(random), calls));
            // --exact: this test is about text from recordings; capability groups are PolicyTests'.
            var plain = ProcessRunner.Tool("policy", plainRec, "--class", "App.Sandbox", "-o", Path.Combine(plainDir, "Sandbox.cs"), "--exact");
            Assert.True(plain.ExitCode == 0, plain.Stderr);
            int lines = File.ReadAllText(Path.Combine(plainDir, "Sandbox.cs")).Split('\n').Length;

            string cs = Path.Combine(dir, "Sandbox.cs");
            var r = ProcessRunner.Tool("policy", rec, "--class", "App.Sandbox", "-o", cs, "--exact");
            Assert.True(r.ExitCode == 0, r.Stderr);
            Assert.Contains(run == 0 ? "wrote App.Sandbox: 3 rules added" : "updated App.Sandbox: 1 rules added", r.Stderr);
            var expected = run == 0 ? s_expectedRules : s_expectedRules.Append("Allow getpgid ").ToArray();
            Assert.Equal(expected, ReadBack(File.ReadAllText(cs), "Sandbox", lines));
            Assert.Equal(expected, CompileWithGenerator(File.ReadAllText(cs), "App.Sandbox"));
            Assert.Empty(PolicyGenerator.CheckFile(cs, "Sandbox"));
        }
    }

    [Fact]
    public void Escape_leaves_no_line_break_and_no_comment_end()
    {
        var random = new Random(2026);
        for (int i = 0; i < 2000; i++)
        {
            string s = RandomText(random);
            string e = SourceText.Escape(s);
            Assert.DoesNotContain(e, c => c < 0x20 || c is '\u007f' or '\u0085' or '\u2028' or '\u2029' or '\u202e' or '\u200b' or '\ufeff');
            Assert.DoesNotContain("*/", e);
            var tree = CSharpSyntaxTree.ParseText("// " + e + "\nclass C;\n", new CSharpParseOptions(LanguageVersion.Latest));
            var root = (CompilationUnitSyntax)tree.GetRoot();
            Assert.Single(root.Members);
            Assert.Single(root.DescendantTrivia(), t => t.IsKind(SyntaxKind.SingleLineCommentTrivia));
            // A literal reads back as the text itself.
            var literal = (LiteralExpressionSyntax)SyntaxFactory.ParseExpression(SourceText.Literal(s));
            Assert.Equal(s, literal.Token.ValueText);
        }
    }

    [Fact]
    public void Random_names_are_refused_in_every_name_position()
    {
        var random = new Random(99);
        string dir = ProcessRunner.TempDir();
        for (int i = 0; i < 300; i++)
        {
            string bad = (i % 2 == 0 ? "getpgrp" : "") + RandomText(random);
            string json = (i % 4) switch
            {
                0 or 1 => Doc(Json(bad) + ": { \"count\": 1 }"),
                2 => Doc("\"listen\": { \"nr\": 50, \"args\": { \"fd\": { \"values\": [5] }, " + Json(bad) + ": { \"values\": [128] } } }"),
                _ => "{ \"version\": 1, \"architectures\": { " + Json("x86_64" + bad) + ": {} } }",
            };
            string rec = Path.Combine(dir, $"n{i}.json");
            File.WriteAllText(rec, json);
            var e = Assert.Throws<FormatException>(() => Recording.Read(rec));
            Assert.Matches($"^{Regex.Escape(rec)}(:[0-9]+:[0-9]+)?: ", e.Message); // no position for a name that is not valid text
            Assert.DoesNotContain(e.Message, c => c < 0x20 || c is '\u0085' or '\u2028' or '\u2029');
            Assert.Contains(SourceText.Escape(i % 4 == 3 ? "x86_64" + bad : bad), e.Message);
        }
    }

    // ---- dangerous calls ------------------------------------------------------------------------------------------

    [Fact]
    public void Lists_every_dangerous_call_it_writes()
    {
        string dir = ProcessRunner.TempDir();
        string rec = Path.Combine(dir, "d.json"), cs = Path.Combine(dir, "D.cs");
        File.WriteAllText(rec, Doc(Getpgrp
            + ", \"ptrace\": { \"nr\": 101, \"count\": 1 }, \"mount\": { \"nr\": 165, \"count\": 1 }"
            // clone with CLONE_NEWNS: outside the group, narrowed to the recorded flags, which keep out CLONE_NEWUSER.
            + ", \"clone\": { \"nr\": 56, \"count\": 1, \"args\": { \"clone_flags\": { \"values\": [131072] }, \"newsp\": { \"values\": [0] }, \"parent_tidptr\": { \"pointer\": true }, \"child_tidptr\": { \"pointer\": true }, \"tls\": { \"values\": [0] } } }"));

        // Logging every other call, the compiler has nothing against allowing ptrace and mount: they are written, and listed.
        var r = ProcessRunner.Tool("policy", rec, "--class", "App.D", "-o", cs, "--default", "log");
        Assert.True(r.ExitCode == 0, r.Stderr);
        string text = File.ReadAllText(cs);
        Assert.Contains("[Allow(\"ptrace\")]", text);
        Assert.Contains("[Allow(\"mount\")]", text);
        Assert.Contains("[Allow(\"clone\", When = \"clone_flags in (0x20000)\")]", text);
        var listed = r.Stderr.Split('\n').Where(l => l.StartsWith("dotnet-seccomp: allows ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, listed.Count);
        Assert.Contains(listed, l => l.StartsWith("dotnet-seccomp: allows clone when clone_flags in (0x20000) (dangerous with CLONE_NEWUSER: a new user namespace", StringComparison.Ordinal));
        Assert.Contains("dotnet-seccomp: allows mount (dangerous: mount changes the file system every process of the mount namespace sees; review)", listed);
        Assert.Contains(listed, l => l.StartsWith("dotnet-seccomp: allows ptrace (dangerous: ptrace reads and writes the memory", StringComparison.Ordinal));

        // Denying by default, the compiler refuses ptrace and mount: they stay comments and are not listed as allowed.
        string cs2 = Path.Combine(dir, "E.cs");
        r = ProcessRunner.Tool("policy", rec, "--class", "App.E", "-o", cs2);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var written = ReadBack(File.ReadAllText(cs2), "E", -1);
        Assert.DoesNotContain(written, w => w.Contains("ptrace") || w.Contains("mount"));
        Assert.Contains("Allow clone clone_flags in (0x20000)", written);
        listed = r.Stderr.Split('\n').Where(l => l.StartsWith("dotnet-seccomp: allows ", StringComparison.Ordinal)).ToList();
        Assert.Equal(new[] { "clone" }, listed.Select(l => l.Split(' ')[2]));
        Assert.Contains("dotnet-seccomp: not allowed: ptrace: SECC0040", r.Stderr);
    }

    private static Recording Merged(string path)
    {
        var merged = new Recording { Source = "merged" };
        merged.Merge(Recording.Read(path));
        return merged;
    }

    // Exact: these tests are about text from recordings; capability groups are PolicyTests'.
    private static PolicyOptions Options(string output, string className) =>
        new() { Namespace = "App", ClassName = className, Output = output, Exact = true };
}
