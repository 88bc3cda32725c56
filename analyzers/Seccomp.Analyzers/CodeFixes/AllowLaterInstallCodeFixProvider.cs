using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Seccomp.Compiler.Diagnostics;

namespace Seccomp.Analyzers.CodeFixes
{
    /// <summary>
    /// SECC0052: adds the narrowest rule that lets a later policy's install through,
    /// <c>[Allow("seccomp", When = "op in (SECCOMP_SET_MODE_FILTER, SECCOMP_GET_ACTION_AVAIL)")]</c> (or the one operation
    /// the policy denies), on the line after the <c>[SeccompPolicy]</c> attribute.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AllowLaterInstallCodeFixProvider)), Shared]
    public sealed class AllowLaterInstallCodeFixProvider : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.BlocksLaterInstall);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root == null) return;
            foreach (var diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Properties.TryGetValue(PolicyAnalyzer.FixProperty, out var fix) || fix != FixKinds.AllowLaterInstall) continue;
                if (!diagnostic.Properties.TryGetValue(ApplyUsageAnalyzer.ConditionProperty, out var condition) || condition == null) continue;
                var attribute = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<AttributeSyntax>();
                if (attribute?.Parent is not AttributeListSyntax list || list.Parent is not TypeDeclarationSyntax type) continue;

                string rule = "[Allow(\"seccomp\", When = \"" + condition + "\")]";
                var parsed = SyntaxFactory.ParseMemberDeclaration(rule + " class C { }");
                if (parsed == null || parsed.AttributeLists.Count == 0) continue;
                // The new line is indented like the policy attribute and ends as that line does.
                var indent = list.GetLeadingTrivia().Reverse().TakeWhile(t => !t.IsKind(SyntaxKind.EndOfLineTrivia))
                    .Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Reverse();
                var eol = list.GetTrailingTrivia().Where(t => t.IsKind(SyntaxKind.EndOfLineTrivia)).DefaultIfEmpty(SyntaxFactory.EndOfLine("\n")).Last();
                var newList = parsed.AttributeLists[0].WithLeadingTrivia(indent).WithTrailingTrivia(eol);
                int index = type.AttributeLists.IndexOf(list);
                var newType = type.WithAttributeLists(type.AttributeLists.Insert(index + 1, newList));
                var newRoot = root.ReplaceNode(type, newType);
                context.RegisterCodeFix(CodeAction.Create($"Allow seccomp(2) where {condition}",
                    ct => Task.FromResult(context.Document.WithSyntaxRoot(newRoot)), nameof(AllowLaterInstallCodeFixProvider)),
                    diagnostic);
            }
        }
    }
}
