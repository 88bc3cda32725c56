using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Seccomp.Compiler;
using Seccomp.Compiler.Analysis;
using Seccomp.Compiler.Policy;

namespace Seccomp.Generators
{
    // Names: whether a name as written can only mean Seccomp's, and how the syntax spells where a class is.
    internal static partial class PolicySyntaxReader
    {
        /// <summary>The attribute's rightmost name less the Attribute suffix, or null for a generic or other form.</summary>
        private static string? SimpleName(NameSyntax? name)
        {
            var right = name switch
            {
                IdentifierNameSyntax i => i,
                QualifiedNameSyntax q => q.Right as IdentifierNameSyntax,
                AliasQualifiedNameSyntax a => a.Name as IdentifierNameSyntax,
                _ => null,
            };
            return right == null ? null : Strip(right.Identifier.ValueText);
        }

        /// <summary>The attribute's simple name when its form can only mean Seccomp's type of that name, else null.</summary>
        private static string? SeccompName(NameSyntax name, bool imported)
        {
            bool seccomp = name switch
            {
                IdentifierNameSyntax i => imported && Plain(i.Identifier),
                QualifiedNameSyntax { Right: IdentifierNameSyntax r } q => Plain(r.Identifier) && IsSeccompNamespace(q.Left),
                _ => false,
            };
            return seccomp ? SimpleName(name) : null;
        }

        /// <summary><c>Seccomp</c> or <c>global::Seccomp</c>.</summary>
        private static bool IsSeccompNamespace(SyntaxNode node) => node switch
        {
            IdentifierNameSyntax i => i.Identifier.Text == KnownNames.Namespace,
            AliasQualifiedNameSyntax a => a.Alias.Identifier.IsKind(SyntaxKind.GlobalKeyword) && a.Name is IdentifierNameSyntax n && n.Identifier.Text == KnownNames.Namespace,
            _ => false,
        };

        /// <summary>
        /// Whether <c>using Seccomp;</c> is in scope (<paramref name="imported"/>); false when an alias in scope renames
        /// one of the names a policy uses, which only binding can follow.
        /// </summary>
        private static bool ImportsSeccomp(List<SyntaxList<UsingDirectiveSyntax>> scopes, out bool imported)
        {
            imported = false;
            foreach (var scope in scopes)
                foreach (var u in scope)
                {
                    if (u.Alias != null)
                    {
                        if (s_reserved.Contains(u.Alias.Name.Identifier.ValueText)) return false;
                        continue;
                    }
                    if (!u.StaticKeyword.IsKind(SyntaxKind.None)) continue;
                    if (u.Name != null && IsSeccompNamespace(u.Name)) imported = true;
                }
            return true;
        }

        private static bool Plain(SyntaxToken identifier) => identifier.Text == identifier.ValueText && !identifier.ContainsDiagnostics;

        private static bool NamespaceName(NameSyntax name, out string text)
        {
            text = "";
            switch (name)
            {
                case IdentifierNameSyntax i when Plain(i.Identifier):
                    text = i.Identifier.ValueText;
                    return true;
                case QualifiedNameSyntax { Right: IdentifierNameSyntax r } q when Plain(r.Identifier) && NamespaceName(q.Left, out string left):
                    text = left + "." + r.Identifier.ValueText;
                    return true;
                default:
                    return false;
            }
        }

        private static bool TypeParameters(TypeDeclarationSyntax t, out string text)
        {
            text = "";
            if (t.TypeParameterList is not { Parameters.Count: > 0 } list) return true;
            if (list.Parameters.Any(p => !Plain(p.Identifier))) return false;
            text = "<" + string.Join(", ", list.Parameters.Select(p => p.Identifier.ValueText)) + ">";
            return true;
        }

        private static string Keyword(TypeDeclarationSyntax t) => t switch
        {
            RecordDeclarationSyntax r => r.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "record struct" : "record",
            StructDeclarationSyntax => "struct",
            InterfaceDeclarationSyntax => "interface",
            _ => "class",
        };
    }
}
