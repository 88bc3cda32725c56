using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Seccomp.Compiler.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace Seccomp.Analyzers.CodeFixes
{
    /// <summary>KillThread becomes KillProcess: <c>Thread = true</c> goes, <c>SeccompAction.KillThread</c> becomes <c>KillProcess</c>.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(KillProcessCodeFixProvider)), Shared]
    public sealed class KillProcessCodeFixProvider : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.KillThread);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root == null) return;
            foreach (var diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Properties.TryGetValue(PolicyAnalyzer.FixProperty, out var fix)) continue;
                var argument = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<AttributeArgumentSyntax>();
                if (argument == null) continue;
                SyntaxNode? newRoot = null;
                if (fix == FixKinds.RemoveThread && argument.Parent is AttributeArgumentListSyntax args)
                {
                    newRoot = root.ReplaceNode(args, args.WithArguments(args.Arguments.Remove(argument)));
                }
                else if (fix == FixKinds.KillProcess)
                {
                    ExpressionSyntax value = argument.Expression is MemberAccessExpressionSyntax m && m.Name.Identifier.ValueText == "KillThread"
                        ? m.WithName(SyntaxFactory.IdentifierName("KillProcess"))
                        : SyntaxFactory.ParseExpression("global::Seccomp.SeccompAction.KillProcess")
                            .WithTriviaFrom(argument.Expression).WithAdditionalAnnotations(Simplifier.Annotation);
                    newRoot = root.ReplaceNode(argument.Expression, value);
                }
                if (newRoot == null) continue;
                var result = newRoot;
                context.RegisterCodeFix(CodeAction.Create("Use KillProcess",
                    ct => Task.FromResult(context.Document.WithSyntaxRoot(result)), nameof(KillProcessCodeFixProvider)),
                    diagnostic);
            }
        }
    }
}
