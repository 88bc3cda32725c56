using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Seccomp.Compiler.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Seccomp.Analyzers.CodeFixes
{
    /// <summary>Replaces a misspelled syscall, group, argument or constant with the closest known name.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReplaceNameCodeFixProvider)), Shared]
    public sealed class ReplaceNameCodeFixProvider : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } =
            ImmutableArray.Create(DiagnosticIds.UnknownSyscall, DiagnosticIds.UnknownGroup, DiagnosticIds.ConditionUnknownName);

        /// <summary>One key for every replacement, so that Fix All applies each name's own suggestion.</summary>
        private const string EquivalenceKey = nameof(ReplaceNameCodeFixProvider);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var text = await context.Document.GetTextAsync(context.CancellationToken).ConfigureAwait(false);
            if (root == null) return;
            foreach (var diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Properties.TryGetValue(PolicyAnalyzer.SuggestionProperty, out var suggestion) || string.IsNullOrEmpty(suggestion))
                    continue;
                var span = diagnostic.Location.SourceSpan;
                if (diagnostic.Id == DiagnosticIds.ConditionUnknownName)
                {
                    // The span is the name's characters inside the condition string: replace just those, whatever the
                    // kind of string literal, as long as they spell the name plainly (no escapes).
                    string old = text.ToString(span);
                    var token = root.FindToken(span.Start);
                    if (!IsStringToken(token) || !token.Span.Contains(span) || !old.All(c => char.IsLetterOrDigit(c) || c == '_')) continue;
                    context.RegisterCodeFix(CodeAction.Create($"Replace '{old}' with '{suggestion}'",
                        ct => Task.FromResult(context.Document.WithText(text.WithChanges(new TextChange(span, suggestion!)))),
                        EquivalenceKey),
                        diagnostic);
                }
                else if (root.FindNode(span, getInnermostNodeForTie: true) is LiteralExpressionSyntax literal
                    && literal.IsKind(SyntaxKind.StringLiteralExpression))
                {
                    var replacement = SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(suggestion!))
                        .WithTriviaFrom(literal);
                    context.RegisterCodeFix(CodeAction.Create($"Replace \"{literal.Token.ValueText}\" with \"{suggestion}\"",
                        ct => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(literal, replacement))),
                        EquivalenceKey),
                        diagnostic);
                }
            }
        }

        private static bool IsStringToken(SyntaxToken token) =>
            token.IsKind(SyntaxKind.StringLiteralToken) || token.IsKind(SyntaxKind.SingleLineRawStringLiteralToken)
            || token.IsKind(SyntaxKind.MultiLineRawStringLiteralToken);
    }
}
