using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Seccomp.Generators;

namespace Seccomp.Analyzers
{
    /// <summary>
    /// How policies are applied: a policy class that nothing applies, and an <c>Apply()</c> in Main that comes late,
    /// after statements that start threads or create a host, which then run without the filter.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ApplyUsageAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>The generated members that install a policy.</summary>
        private static readonly ImmutableHashSet<string> s_applyNames = ImmutableHashSet.Create("Apply", "TryApply", "Install", "TryInstall");

        /// <summary>Apply() must be among the first this many statements of the entry point.</summary>
        public const int MaxLeadingStatements = 3;

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => Descriptors.Usages;

        public override void Initialize(AnalysisContext context)
        {
            // Calls inside generated code (Apply() => Install(null)) do not count as the program applying a policy.
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(Start);
        }

        private static void Start(CompilationStartAnalysisContext start)
        {
            var policyAttribute = start.Compilation.GetTypeByMetadataName(KnownNames.PolicyAttribute);
            if (policyAttribute == null) return;
            var policies = new ConcurrentDictionary<INamedTypeSymbol, byte>(SymbolEqualityComparer.Default);
            var applied = new ConcurrentDictionary<INamedTypeSymbol, byte>(SymbolEqualityComparer.Default);
            var entryPoint = new Lazy<IMethodSymbol?>(() => start.Compilation.GetEntryPoint(start.CancellationToken));

            bool IsPolicy(INamedTypeSymbol? t) =>
                t != null && t.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, policyAttribute));

            start.RegisterSymbolAction(ctx =>
            {
                var type = (INamedTypeSymbol)ctx.Symbol;
                if (IsPolicy(type)) policies.TryAdd(type, 0);
            }, SymbolKind.NamedType);

            start.RegisterSyntaxNodeAction(ctx =>
            {
                var name = (IdentifierNameSyntax)ctx.Node;
                if (!s_applyNames.Contains(name.Identifier.ValueText)) return;
                var policy = AppliedPolicy(ctx.SemanticModel, name, IsPolicy, ctx.CancellationToken);
                if (policy == null) return;
                applied.TryAdd(policy, 0);

                // The whole invocation, 'P.Apply()' or 'Apply()'.
                ExpressionSyntax callee = name.Parent is MemberAccessExpressionSyntax m && m.Name == name ? m : name;
                if (callee.Parent is InvocationExpressionSyntax call && call.Expression == callee)
                    CheckPlacement(ctx, call, policy, entryPoint.Value);
            }, SyntaxKind.IdentifierName);

            start.RegisterCompilationEndAction(end =>
            {
                bool application = end.Compilation.Options.OutputKind is OutputKind.ConsoleApplication
                    or OutputKind.WindowsApplication or OutputKind.WindowsRuntimeApplication;
                foreach (var policy in policies.Keys.OrderBy(p => p.ToDisplayString(), System.StringComparer.Ordinal))
                {
                    if (applied.ContainsKey(policy)) continue;
                    // A public policy of a library may be applied by the programs that reference it.
                    if (!application && IsVisibleOutside(policy)) continue;
                    string n = policy.Name;
                    end.ReportDiagnostic(Diagnostic.Create(Descriptors.PolicyNeverApplied, policy.Locations.FirstOrDefault(),
                        $"'{n}' is a seccomp policy, but nothing in this project calls {n}.Apply(), {n}.TryApply() or {n}.Install(): "
                        + "the filter is never installed and every call stays allowed"));
                }
            });
        }

        private static bool IsVisibleOutside(INamedTypeSymbol type)
        {
            for (ISymbol? s = type; s != null && s.Kind != SymbolKind.Namespace; s = s.ContainingSymbol)
                if (s.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal))
                    return false;
            return true;
        }

        /// <summary>The policy whose Apply/TryApply/Install <paramref name="name"/> refers to, if any.</summary>
        private static INamedTypeSymbol? AppliedPolicy(SemanticModel model, IdentifierNameSyntax name,
            System.Func<INamedTypeSymbol?, bool> isPolicy, CancellationToken ct)
        {
            var info = model.GetSymbolInfo(name, ct);
            foreach (var symbol in info.Symbol != null ? new[] { info.Symbol } : info.CandidateSymbols.ToArray())
                if (symbol is IMethodSymbol method && isPolicy(method.ContainingType))
                    return method.ContainingType;
            // The generated members may be missing (a policy with errors): 'P.Apply' still names the policy.
            if (info.Symbol == null && name.Parent is MemberAccessExpressionSyntax m && m.Name == name
                && model.GetSymbolInfo(m.Expression, ct).Symbol is INamedTypeSymbol receiver && isPolicy(receiver))
                return receiver;
            return null;
        }

        private static void CheckPlacement(SyntaxNodeAnalysisContext ctx, InvocationExpressionSyntax call, INamedTypeSymbol policy, IMethodSymbol? entryPoint)
        {
            if (entryPoint == null) return;
            var enclosing = ctx.SemanticModel.GetEnclosingSymbol(call.SpanStart, ctx.CancellationToken);
            if (!SymbolEqualityComparer.Default.Equals(enclosing, entryPoint)) return;

            // The entry point's statements, and the one that holds the call.
            List<StatementSyntax> statements;
            var body = call.FirstAncestorOrSelf<BaseMethodDeclarationSyntax>();
            if (body?.ExpressionBody != null) return; // Main => P.Apply(): nothing comes before it
            if (body?.Body != null) statements = body.Body.Statements.ToList();
            else if (call.SyntaxTree.GetRoot(ctx.CancellationToken) is CompilationUnitSyntax unit)
                statements = unit.Members.OfType<GlobalStatementSyntax>().Select(g => g.Statement).ToList();
            else return;
            statements = statements.Where(s => s is not LocalFunctionStatementSyntax).ToList();
            int index = statements.FindIndex(s => s.Span.Contains(call.Span));
            if (index < 0) return;

            string callText = call.ToString();
            string main = entryPoint.IsImplicitlyDeclared ? "the top-level statements" : "Main";
            for (int i = 0; i < index; i++)
            {
                string? what = StartsThreadsOrHost(ctx.SemanticModel, statements[i], ctx.CancellationToken);
                if (what == null) continue;
                ctx.ReportDiagnostic(Diagnostic.Create(Descriptors.ApplyNotFirst, call.GetLocation(),
                    $"'{callText}' comes after '{Shorten(statements[i].ToString())}', which {what}: code those threads run, "
                    + $"and whatever they open, starts before the filter exists; apply the policy before anything else in {main}"));
                return;
            }
            if (index >= MaxLeadingStatements)
                ctx.ReportDiagnostic(Diagnostic.Create(Descriptors.ApplyNotFirst, call.GetLocation(),
                    $"'{callText}' is statement {index + 1} of {main}: the {index} statements before it run without the filter; "
                    + $"make it one of the first {MaxLeadingStatements}"));
        }

        private static string Shorten(string s)
        {
            s = string.Join(" ", s.Split(new[] { ' ', '\r', '\n', '\t' }, System.StringSplitOptions.RemoveEmptyEntries));
            return s.Length > 60 ? s.Substring(0, 57) + "..." : s;
        }

        /// <summary>What a statement does that happens before the filter should: start threads or build a host.</summary>
        private static string? StartsThreadsOrHost(SemanticModel model, StatementSyntax statement, CancellationToken ct)
        {
            foreach (var node in statement.DescendantNodesAndSelf())
            {
                if (node is not (InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax)) continue;
                if (model.GetSymbolInfo(node, ct).Symbol is not IMethodSymbol method) continue;
                var type = method.ContainingType;
                if (type == null) continue;
                string ns = type.ContainingNamespace?.ToDisplayString() ?? "";
                string full = type.ToDisplayString();
                if (ns.StartsWith("Microsoft.Extensions.Hosting", System.StringComparison.Ordinal)
                    || ns.StartsWith("Microsoft.AspNetCore", System.StringComparison.Ordinal))
                    return "creates or runs a host";
                bool ctor = method.MethodKind == MethodKind.Constructor;
                switch (full)
                {
                    case "System.Threading.Thread" when method.Name is "Start" or "UnsafeStart":
                    case "System.Threading.Tasks.Task" when method.Name is "Run" or "Start":
                    case "System.Threading.Tasks.TaskFactory" when method.Name == "StartNew":
                    case "System.Threading.ThreadPool" when method.Name.Contains("QueueUserWorkItem") || method.Name == "RegisterWaitForSingleObject":
                    case "System.Threading.Tasks.Parallel":
                    case "System.Threading.Timer" when ctor:
                    case "System.Timers.Timer" when method.Name == "Start":
                        return "starts a thread";
                }
            }
            return null;
        }
    }
}
