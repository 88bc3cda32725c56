using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Seccomp.Compiler.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Seccomp.Analyzers.CodeFixes
{
    /// <summary>
    /// Removes a rule that never decides a call, repeats another, or does what the default does: the whole attribute
    /// when every name of it is dead, else just the dead name.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveRuleCodeFixProvider)), Shared]
    public sealed class RemoveRuleCodeFixProvider : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } =
            ImmutableArray.Create(DiagnosticIds.UnreachableRule, DiagnosticIds.DuplicateRule, DiagnosticIds.RuleSameAsDefault);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root == null) return;
            foreach (var diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Properties.TryGetValue(PolicyAnalyzer.FixProperty, out var fix)) continue;
                var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                if (fix == FixKinds.RemoveRule && node.FirstAncestorOrSelf<AttributeSyntax>() is { } attribute)
                {
                    context.RegisterCodeFix(CodeAction.Create($"Remove {attribute}",
                        ct => Replace(context.Document, root, RemoveAttribute(root, attribute)), nameof(FixKinds.RemoveRule)),
                        diagnostic);
                }
                else if (fix == FixKinds.RemoveName && node is ExpressionSyntax name && RemoveName(root, name) is { } newRoot)
                {
                    context.RegisterCodeFix(CodeAction.Create($"Remove {name} from the rule",
                        ct => Replace(context.Document, root, newRoot), nameof(FixKinds.RemoveName)),
                        diagnostic);
                }
            }
        }

        private static Task<Document> Replace(Document document, SyntaxNode oldRoot, SyntaxNode newRoot) =>
            Task.FromResult(document.WithSyntaxRoot(newRoot));

        private static SyntaxNode RemoveAttribute(SyntaxNode root, AttributeSyntax attribute)
        {
            if (attribute.Parent is not AttributeListSyntax list) return root;
            if (list.Attributes.Count > 1)
                return root.ReplaceNode(list, list.RemoveNode(attribute, SyntaxRemoveOptions.KeepNoTrivia)!);

            // The list's own line goes, with its comments; documentation or directives before it move to what follows.
            var leading = list.GetLeadingTrivia();
            bool keep = leading.Any(t => t.IsDirective || t.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia)
                || t.IsKind(SyntaxKind.MultiLineDocumentationCommentTrivia));
            if (!keep) return root.RemoveNode(list, SyntaxRemoveOptions.KeepNoTrivia)!;
            var next = list.GetLastToken().GetNextToken();
            var annotated = root.ReplaceToken(next, next.WithLeadingTrivia(leading));
            var moved = annotated.FindNode(list.Span) is AttributeListSyntax l ? l : null;
            return moved == null ? root : annotated.RemoveNode(moved, SyntaxRemoveOptions.KeepNoTrivia)!;
        }

        /// <summary>Removes one syscall name, written as a params argument or as an item of an array or collection.</summary>
        private static SyntaxNode? RemoveName(SyntaxNode root, ExpressionSyntax name)
        {
            switch (name.Parent)
            {
                case AttributeArgumentSyntax argument when argument.Parent is AttributeArgumentListSyntax args:
                    return root.ReplaceNode(args, args.WithArguments(Remove(args.Arguments, argument)));
                case InitializerExpressionSyntax init:
                    return root.ReplaceNode(init, init.WithExpressions(Remove(init.Expressions, name)));
                case ExpressionElementSyntax element when element.Parent is CollectionExpressionSyntax collection:
                    return root.ReplaceNode(collection, collection.WithElements(Remove(collection.Elements, element)));
                default:
                    return null;
            }
        }

        /// <summary>Removes an item with its separator; the last item's trailing trivia (the space before '}') stays.</summary>
        private static SeparatedSyntaxList<T> Remove<T>(SeparatedSyntaxList<T> list, T item) where T : SyntaxNode
        {
            int index = list.IndexOf(item);
            var result = list.RemoveAt(index);
            if (index == list.Count - 1 && result.Count > 0)
            {
                var last = result[result.Count - 1];
                result = result.Replace(last, last.WithTrailingTrivia(item.GetTrailingTrivia()));
            }
            return result;
        }
    }
}
