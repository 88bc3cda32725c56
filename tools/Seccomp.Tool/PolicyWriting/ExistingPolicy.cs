// The policy class already in `dotnet-seccomp policy`'s output file, read from its C# text: the names its rules list,
// its rules and settings, and where new rules go. `policy` merges into it rather than overwriting the user's rules.

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Seccomp.Compiler;
using Seccomp.Compiler.Analysis;
using Seccomp.Compiler.Policy;

namespace Seccomp.Tool;

/// <summary>A policy class already in the output file: the names its rules list, its rules and its settings.</summary>
internal sealed class ExistingPolicy
{
    private ExistingPolicy(string text, int insertAt, string indent)
    {
        Text = text;
        InsertAt = insertAt;
        Indent = indent;
    }

    public string Text { get; }
    public int InsertAt { get; }
    public string Indent { get; }
    public HashSet<string> ListedNames { get; } = new(StringComparer.Ordinal);
    public List<RuleModel> Rules { get; } = new();
    public SeccompVerdict DefaultAction { get; private set; } = SeccompVerdict.Errno(1);
    public List<SeccompArch> Architectures { get; private set; } = new() { SeccompArch.X86_64, SeccompArch.Aarch64, SeccompArch.Riscv64 };

    public static ExistingPolicy? Read(string path, string className)
    {
        string text = File.ReadAllText(path);
        var tree = CSharpSyntaxTree.ParseText(text);
        var cls = tree.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>()
            .FirstOrDefault(c => c.Identifier.ValueText == className && c.AttributeLists.SelectMany(l => l.Attributes).Any(a => Simple(a) == "SeccompPolicy"));
        if (cls == null) return null;
        var lastList = cls.AttributeLists.Last();
        // Insert after the last attribute list, at the start of the next line, with the class's indentation.
        int insertAt = lastList.Span.End;
        while (insertAt < text.Length && text[insertAt] != '\n') insertAt++;
        if (insertAt < text.Length) insertAt++;
        string indent = lastList.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Select(t => t.ToString()).LastOrDefault() ?? "";
        var p = new ExistingPolicy(text, insertAt, indent);

        foreach (var attr in cls.AttributeLists.SelectMany(l => l.Attributes))
        {
            string name = Simple(attr);
            var args = attr.ArgumentList?.Arguments ?? default;
            if (name == "SeccompPolicy")
            {
                SeccompAction? kind = null;
                int errno = 1;
                foreach (var a in args)
                {
                    string? prop = a.NameEquals?.Name.Identifier.ValueText;
                    if (prop == "DefaultAction" && EnumMember(a.Expression) is string k && Enum.TryParse<SeccompAction>(k, out var ka)) kind = ka;
                    else if (prop == "DefaultErrno" && EnumMember(a.Expression) is string e && ErrnoNames.TryGetNumber(e, out int en)) errno = en;
                    else if (prop == "Architectures")
                    {
                        var archs = a.Expression.DescendantNodesAndSelf().OfType<MemberAccessExpressionSyntax>()
                            .Select(m => Enum.TryParse<SeccompArch>(m.Name.Identifier.ValueText, out var sa) ? sa : (SeccompArch?)null)
                            .Where(x => x != null).Select(x => x!.Value).Distinct().ToList();
                        if (archs.Count > 0) p.Architectures = archs;
                    }
                }
                var dk = kind ?? SeccompAction.Errno;
                p.DefaultAction = dk == SeccompAction.Errno ? SeccompVerdict.Errno(errno) : SeccompVerdict.Of(dk, 0);
                continue;
            }
            SeccompVerdict? action = name switch
            {
                "Allow" => SeccompVerdict.Allow,
                "Deny" => SeccompVerdict.Errno(1),
                "Kill" => SeccompVerdict.KillProcess,
                "Log" => SeccompVerdict.Of(SeccompAction.Log, 0),
                "Trap" => SeccompVerdict.Of(SeccompAction.Trap, 0),
                "Trace" => SeccompVerdict.Of(SeccompAction.Trace, 0),
                "Notify" => SeccompVerdict.Of(SeccompAction.Notify, 0),
                _ => null,
            };
            if (action is not SeccompVerdict verdict) continue;
            var syscalls = new List<string>();
            string? when = null;
            foreach (var a in args)
            {
                string? prop = a.NameEquals?.Name.Identifier.ValueText;
                if (prop == null)
                {
                    if (a.Expression is LiteralExpressionSyntax lit && lit.IsKind(SyntaxKind.StringLiteralExpression))
                    {
                        syscalls.Add(lit.Token.ValueText);
                        p.ListedNames.Add(lit.Token.ValueText);
                    }
                }
                else if (prop == "When" && a.Expression is LiteralExpressionSyntax w && w.IsKind(SyntaxKind.StringLiteralExpression)) when = w.Token.ValueText;
                else if (prop == "Errno" && EnumMember(a.Expression) is string e && ErrnoNames.TryGetNumber(e, out int en)) verdict = SeccompVerdict.Errno(en);
                else if (prop == "Thread" && a.Expression.IsKind(SyntaxKind.TrueLiteralExpression)) verdict = SeccompVerdict.Of(SeccompAction.KillThread, 0);
                else if (prop == "Data" && a.Expression is LiteralExpressionSyntax d && d.Token.Value is int dv) verdict = SeccompVerdict.Of(verdict.Action, dv);
            }
            if (syscalls.Count > 0)
                p.Rules.Add(new RuleModel(p.Rules.Count, verdict, EquatableArray.From(syscalls), when));
        }
        return p;
    }

    public string Insert(bool addGroup, PolicyResult r)
    {
        var sb = new StringBuilder();
        if (r.Added.Count > 0 || r.Skipped.Count > 0 || addGroup)
        {
            sb.Append(Indent).Append("// Added by dotnet-seccomp policy:\n");
            PolicyText.AppendProvenance(sb, Indent, r);
        }
        PolicyText.AppendRules(sb, Indent, addGroup, r);
        return Text.Substring(0, InsertAt) + sb + Text.Substring(InsertAt);
    }

    private static string Simple(AttributeSyntax a)
    {
        string n = a.Name switch
        {
            QualifiedNameSyntax q => q.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax aq => aq.Name.Identifier.ValueText,
            SimpleNameSyntax s => s.Identifier.ValueText,
            _ => a.Name.ToString(),
        };
        return n.EndsWith("Attribute", StringComparison.Ordinal) ? n.Substring(0, n.Length - "Attribute".Length) : n;
    }

    private static string? EnumMember(ExpressionSyntax e) => e is MemberAccessExpressionSyntax m ? m.Name.Identifier.ValueText : null;
}
