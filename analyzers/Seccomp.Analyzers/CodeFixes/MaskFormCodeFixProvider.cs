using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Seccomp.Compiler.Diagnostics;

namespace Seccomp.Analyzers.CodeFixes
{
    /// <summary>
    /// Rewrites a flag argument compared for equality (SECC0038) into its mask form, <c>prot == X</c> to
    /// <c>(prot &amp; X) == X</c>: the diagnostic's span is the comparison's characters inside the When string, and the
    /// core computed the replacement. Offered in a regular string literal whose characters there spell the condition
    /// plainly (no escapes); not in verbatim, interpolated or raw literals.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MaskFormCodeFixProvider)), Shared]
    public sealed class MaskFormCodeFixProvider : CodeFixProvider
    {
        private const string EquivalenceKey = nameof(MaskFormCodeFixProvider);

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.FlagEquality);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var text = await context.Document.GetTextAsync(context.CancellationToken).ConfigureAwait(false);
            if (root == null) return;
            foreach (var diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Properties.TryGetValue(PolicyAnalyzer.FixProperty, out var fix) || fix != FixKinds.MaskForm) continue;
                if (!diagnostic.Properties.TryGetValue(PolicyAnalyzer.SuggestionProperty, out var replacement) || string.IsNullOrEmpty(replacement)) continue;
                var span = diagnostic.Location.SourceSpan;
                var token = root.FindToken(span.Start);
                if (!token.IsKind(SyntaxKind.StringLiteralToken) || !token.Text.StartsWith("\"") || !token.Span.Contains(span)) continue;
                string old = text.ToString(span);
                if (old.IndexOf('\\') >= 0 || replacement!.IndexOf('"') >= 0 || replacement.IndexOf('\\') >= 0) continue;
                context.RegisterCodeFix(CodeAction.Create($"Test the bits with a mask: '{replacement}'",
                    ct => Task.FromResult(context.Document.WithText(text.WithChanges(new TextChange(span, replacement)))),
                    EquivalenceKey),
                    diagnostic);
            }
        }
    }
}
