using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Seccomp.Analyzers.CodeFixes
{
    /// <summary>The code fixes that add rules: new attribute lines right after the one a diagnostic is on.</summary>
    internal static class AttributeInsertion
    {
        /// <summary>
        /// The root with <paramref name="attributes"/> (C# text, e.g. <c>[Deny("x")]</c>) inserted after the attribute list
        /// holding <paramref name="span"/>, indented like it and ending as its line does; null when the span is not on an
        /// attribute of a type or a text does not parse as one.
        /// </summary>
        public static SyntaxNode? After(SyntaxNode root, Microsoft.CodeAnalysis.Text.TextSpan span, IEnumerable<string> attributes)
        {
            var attribute = root.FindNode(span, getInnermostNodeForTie: true).FirstAncestorOrSelf<AttributeSyntax>();
            if (attribute?.Parent is not AttributeListSyntax list || list.Parent is not TypeDeclarationSyntax type) return null;
            var indent = list.GetLeadingTrivia().Reverse().TakeWhile(t => !t.IsKind(SyntaxKind.EndOfLineTrivia))
                .Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Reverse();
            var eol = list.GetTrailingTrivia().Where(t => t.IsKind(SyntaxKind.EndOfLineTrivia)).DefaultIfEmpty(SyntaxFactory.EndOfLine("\n")).Last();
            var added = new List<AttributeListSyntax>();
            foreach (string text in attributes)
            {
                var parsed = SyntaxFactory.ParseMemberDeclaration(text + " class C { }");
                if (parsed == null || parsed.AttributeLists.Count == 0) return null;
                added.Add(parsed.AttributeLists[0].WithLeadingTrivia(indent).WithTrailingTrivia(eol));
            }
            if (added.Count == 0) return null;
            int index = type.AttributeLists.IndexOf(list);
            return root.ReplaceNode(type, type.WithAttributeLists(type.AttributeLists.InsertRange(index + 1, added)));
        }
    }
}
