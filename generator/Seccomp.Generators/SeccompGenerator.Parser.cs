using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Seccomp.Compiler;
using Seccomp.Compiler.Policy;

namespace Seccomp.Generators
{
    public sealed partial class SeccompGenerator
    {
        private static PolicyTarget? Parse(GeneratorAttributeSyntaxContext ctx, CancellationToken ct)
        {
            try
            {
                return ParseCore(ctx, ct);
            }
            catch (System.Exception ex) when (ex is not System.OperationCanceledException)
            {
                // Never throw into the compiler; the analyzers read the same attributes and report what is wrong.
                return null;
            }
        }

        [System.Runtime.CompilerServices.MethodImpl((System.Runtime.CompilerServices.MethodImplOptions)512)] // AggressiveOptimization (not in netstandard2.0): runs a few times per compiler server, never tiers up
        private static PolicyTarget? ParseCore(GeneratorAttributeSyntaxContext ctx, CancellationToken ct)
        {
            // A record, struct or file-local type cannot be extended by a partial class in another file: the analyzers
            // report SECC0008 on its declaration, and nothing is generated.
            if (ctx.TargetSymbol is not INamedTypeSymbol type || type.IsRecord || type.IsFileLocal) return null;
            ct.ThrowIfCancellationRequested();
            var read = PolicyReader.Read(type);
            if (read == null) return null;

            var containers = new List<string>();
            for (var t = type.ContainingType; t != null; t = t.ContainingType)
                containers.Insert(0, $"partial {Keyword(t)} {t.Name}{TypeParameters(t)}");

            string? ns = type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString();
            string full = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", "");
            // Every other character spelled out, so two different names never share a file name.
            string hint = string.Concat(full.Select(c => char.IsLetterOrDigit(c) || c == '.' ? c.ToString() : "_" + ((int)c).ToString("x") + "_")) + ".Seccomp.g.cs";
            return new PolicyTarget(ns, EquatableArray.From(containers), type.Name + TypeParameters(type), full, hint,
                PolicyReader.LogDenied(read.PolicyAttribute), read.Model, read.ReadErrors.Any(e => e.IsError),
                EquatableArray.From(read.RuleAttributes.Select(a => SourceOf(a, ct)).ToArray()));
        }

        /// <summary>The rule attribute's file, line and text as written (whitespace runs folded to one space).</summary>
        [System.Runtime.CompilerServices.MethodImpl((System.Runtime.CompilerServices.MethodImplOptions)512)] // AggressiveOptimization (not in netstandard2.0): runs a few times per compiler server, never tiers up
        private static RuleSource SourceOf(AttributeData attr, CancellationToken ct)
        {
            var syntax = attr.ApplicationSyntaxReference;
            if (syntax == null) return new RuleSource("", 0, attr.AttributeClass?.Name ?? "");
            var node = syntax.GetSyntax(ct);
            var span = node.GetLocation().GetLineSpan();
            string text = FoldWhitespace(node.ToString());
            return new RuleSource(span.Path ?? "", span.StartLinePosition.Line + 1, "[" + text + "]");
        }

        /// <summary>Every run of whitespace as one space (what Regex.Replace(s, @"\s+", " ") does, without a regex).</summary>
        [System.Runtime.CompilerServices.MethodImpl((System.Runtime.CompilerServices.MethodImplOptions)512)] // AggressiveOptimization (not in netstandard2.0): runs a few times per compiler server, never tiers up
        private static string FoldWhitespace(string s)
        {
            var sb = new System.Text.StringBuilder(s.Length);
            bool space = false;
            foreach (char c in s)
            {
                if (char.IsWhiteSpace(c))
                {
                    if (!space) sb.Append(' ');
                    space = true;
                }
                else
                {
                    sb.Append(c);
                    space = false;
                }
            }
            return sb.ToString();
        }

        private static string Keyword(INamedTypeSymbol t) => t switch
        {
            { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
            { IsRecord: true } => "record",
            { TypeKind: TypeKind.Struct } => "struct",
            { TypeKind: TypeKind.Interface } => "interface",
            _ => "class",
        };

        private static string TypeParameters(INamedTypeSymbol t) =>
            t.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", t.TypeParameters.Select(p => p.Name)) + ">";
    }
}
