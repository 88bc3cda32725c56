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
                var newRoot = AttributeInsertion.After(root, diagnostic.Location.SourceSpan, new[] { "[Allow(\"seccomp\", When = \"" + condition + "\")]" });
                if (newRoot == null) continue;
                context.RegisterCodeFix(CodeAction.Create($"Allow seccomp(2) where {condition}",
                    ct => Task.FromResult(context.Document.WithSyntaxRoot(newRoot)), nameof(AllowLaterInstallCodeFixProvider)),
                    diagnostic);
            }
        }
    }
}
