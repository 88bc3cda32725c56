// The policy class already in `dotnet-seccomp policy`'s output file, read with the generator's own readers (linked
// from generator/Seccomp.Generators/Shared through the generator's assembly): the policy exactly as the build will
// compile it, the names its rules list, and where new rules go. `policy` merges into it rather than overwriting the
// user's rules; CheckFile compiles it with its real settings.

extern alias rt;

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Seccomp.Compiler.Policy;
using Seccomp.Generators;

namespace Seccomp.Tool;

/// <summary>A policy class already in the output file: the policy it declares and where new rules go.</summary>
internal sealed class ExistingPolicy
{
    private ExistingPolicy(string text, int insertAt, string indent, PolicyTarget target)
    {
        Text = text;
        InsertAt = insertAt;
        Indent = indent;
        Target = target;
        foreach (var rule in target.Model.Rules)
            foreach (string name in rule.Syscalls)
                ListedNames.Add(name);
    }

    public string Text { get; }
    public int InsertAt { get; }
    public string Indent { get; }

    /// <summary>The policy as the generator reads it: every setting (BadArchAction, UnknownSyscalls, HotSyscalls...) as declared.</summary>
    public PolicyTarget Target { get; }

    public PolicyModel Model => Target.Model;

    /// <summary>The names and @groups the class's rules list, whatever their action: the user decided about each.</summary>
    public HashSet<string> ListedNames { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The class <paramref name="className"/> with <c>[SeccompPolicy]</c> in <paramref name="path"/>, or null when the
    /// file has none. Read as the generator reads it: from the syntax when that settles the policy, else bound against
    /// the runtime's attributes. FormatException when neither can read it (it names what the compiler would report).
    /// </summary>
    public static ExistingPolicy? Read(string path, string className)
    {
        string text = File.ReadAllText(path);
        var tree = CSharpSyntaxTree.ParseText(text, new CSharpParseOptions(LanguageVersion.Latest), path: path);
        var cls = tree.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>()
            .FirstOrDefault(c => c.Identifier.ValueText == className && PolicySyntaxReader.NamesPolicy(c));
        if (cls == null) return null;
        var target = PolicySyntaxReader.TryRead(cls, CancellationToken.None) ?? Bind(tree, cls, path);
        if (target.HasReadErrors)
            throw new FormatException($"{path}: the attributes of {className} have errors (build the project to see them); not merging into it");

        var lastList = cls.AttributeLists.Last();
        // Insert after the last attribute list, at the start of the next line, with the class's indentation.
        int insertAt = lastList.Span.End;
        while (insertAt < text.Length && text[insertAt] != '\n') insertAt++;
        if (insertAt < text.Length) insertAt++;
        string indent = lastList.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Select(t => t.ToString()).LastOrDefault() ?? "";
        return new ExistingPolicy(text, insertAt, indent, target);
    }

    /// <summary>
    /// The bound reader, for a class whose syntax does not settle its policy (a constant, an alias): the file compiled
    /// alone against the runtime's attributes, as the generator would bind it in the project.
    /// </summary>
    private static PolicyTarget Bind(SyntaxTree tree, ClassDeclarationSyntax cls, string path)
    {
        var tpa = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator);
        var references = tpa.Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .Append(typeof(rt::Seccomp.SeccompPolicyAttribute).Assembly.Location)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("ExistingPolicy", new[] { tree }, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var symbol = compilation.GetSemanticModel(tree).GetDeclaredSymbol(cls);
        return (symbol == null ? null : PolicyTargetReader.Read(symbol, CancellationToken.None))
            ?? throw new FormatException($"{path}: {cls.Identifier.ValueText} is not a policy class the generator can read (a partial class with [SeccompPolicy])");
    }

    public string Insert(bool addGroup, PolicyResult r)
    {
        var sb = new StringBuilder();
        if (r.Added.Count > 0 || r.Skipped.Count > 0 || r.Groups.Count > 0 || addGroup)
        {
            sb.Append(Indent).Append("// Added by dotnet-seccomp policy:\n");
            PolicyText.AppendProvenance(sb, Indent, r);
        }
        PolicyText.AppendRules(sb, Indent, addGroup, r);
        return Text.Substring(0, InsertAt) + sb + Text.Substring(InsertAt);
    }
}
