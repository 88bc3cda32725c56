using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Seccomp.Compiler;

namespace Seccomp.Generators
{
    /// <summary>
    /// A policy class's symbol to the <see cref="PolicyTarget"/> the generator compiles: where its members go, the
    /// policy its bound attributes declare, and where each rule is written. The generator takes this path when the
    /// syntax alone cannot settle the policy (<see cref="PolicySyntaxReader"/>); the analyzers take it always, and
    /// compare the two.
    /// </summary>
    internal static class PolicyTargetReader
    {
        [System.Runtime.CompilerServices.MethodImpl((System.Runtime.CompilerServices.MethodImplOptions)512)] // AggressiveOptimization (not in netstandard2.0): runs a few times per compiler server, never tiers up
        public static PolicyTarget? Read(INamedTypeSymbol type, CancellationToken ct)
        {
            // A record, struct or file-local type cannot be extended by a partial class in another file: the analyzers
            // report SECC0008 on its declaration, and nothing is generated.
            if (type.IsRecord || type.IsFileLocal || type.TypeKind != TypeKind.Class) return null;
            ct.ThrowIfCancellationRequested();
            var read = PolicyReader.Read(type);
            return read == null ? null : Read(type, read, ct);
        }

        /// <summary>The target of a type whose attributes were read already.</summary>
        public static PolicyTarget? Read(INamedTypeSymbol type, ReadPolicy read, CancellationToken ct)
        {
            if (type.IsRecord || type.IsFileLocal || type.TypeKind != TypeKind.Class) return null;

            var containers = new List<string>();
            for (var t = type.ContainingType; t != null; t = t.ContainingType)
                containers.Insert(0, $"partial {Keyword(t)} {t.Name}{TypeParameters(t)}");

            string? ns = type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString();
            string full = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", "");
            return new PolicyTarget(ns, EquatableArray.From(containers), type.Name + TypeParameters(type), full, HintName(full),
                read.LogDenied, read.Model, read.ReadErrors.Any(e => e.IsError),
                EquatableArray.From(read.RuleAttributes.Select(a => SourceOf(a, ct)).ToArray()));
        }

        /// <summary>The generated file's name: every character but letters, digits and dots spelled out, so two different names never share a file.</summary>
        public static string HintName(string fullName) =>
            string.Concat(fullName.Select(c => char.IsLetterOrDigit(c) || c == '.' ? c.ToString() : "_" + ((int)c).ToString("x") + "_")) + ".Seccomp.g.cs";

        private static RuleSource SourceOf(AttributeData attr, CancellationToken ct)
        {
            var syntax = attr.ApplicationSyntaxReference;
            if (syntax == null) return new RuleSource("", 0, attr.AttributeClass?.Name ?? "");
            return SourceOf((AttributeSyntax)syntax.GetSyntax(ct));
        }

        /// <summary>The rule attribute's file, line and text as written (whitespace runs folded to one space).</summary>
        public static RuleSource SourceOf(AttributeSyntax node)
        {
            var span = node.GetLocation().GetLineSpan();
            return new RuleSource(span.Path ?? "", span.StartLinePosition.Line + 1, "[" + FoldWhitespace(node.ToString()) + "]");
        }

        /// <summary>Every run of whitespace as one space (what Regex.Replace(s, @"\s+", " ") does, without a regex).</summary>
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
