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
    /// How policies are applied: a policy class that nothing applies (SECC0050), an <c>Apply()</c> in Main that comes
    /// late, after statements that start threads or create a host, which then run without the filter (SECC0051), and a
    /// policy installed first that denies the seccomp(2) calls a later policy's install needs (SECC0052).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ApplyUsageAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>The generated members that install a policy.</summary>
        private static readonly ImmutableHashSet<string> s_applyNames = ImmutableHashSet.Create("Apply", "TryApply", "Install", "TryInstall", "ApplyWhen");

        /// <summary>Diagnostic property of SECC0052: the condition of the rule that lets a later install through.</summary>
        public const string ConditionProperty = "Condition";

        /// <summary>How a policy is installed: at once (Apply, TryApply, Install), or later (ApplyWhen, a method group handed on).</summary>
        [Flags]
        private enum InstallKind { Now = 1, Later = 2 }

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
            var applied = new ConcurrentDictionary<INamedTypeSymbol, InstallKind>(SymbolEqualityComparer.Default);
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

                // The whole invocation, 'P.Apply()' or 'Apply()'; a method group ('P.Install' handed to a host) runs later.
                ExpressionSyntax callee = name.Parent is MemberAccessExpressionSyntax m && m.Name == name ? m : name;
                bool invoked = callee.Parent is InvocationExpressionSyntax call && call.Expression == callee;
                var kind = invoked && name.Identifier.ValueText != "ApplyWhen" ? InstallKind.Now : InstallKind.Later;
                applied.AddOrUpdate(policy, kind, (_, k) => k | kind);
                // ApplyWhen is the second phase: it belongs after the host is built, where SECC0051 would complain.
                if (kind == InstallKind.Now)
                    CheckPlacement(ctx, (InvocationExpressionSyntax)callee.Parent!, policy, entryPoint.Value);
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
                        $"'{n}' is a seccomp policy, but nothing in this project calls {n}.Apply(), {n}.TryApply(), {n}.Install() or {n}.ApplyWhen(): "
                        + "the filter is never installed and every call stays allowed"));
                }
            });

            // SECC0052 is reported from the policy's symbol, so that it is a local diagnostic the IDE offers the fix for;
            // which policies are installed, and how, comes from one syntactic pass over the compilation.
            var installs = new Lazy<Dictionary<string, Installs>>(() => ScanInstalls(start.Compilation, start.CancellationToken));
            start.RegisterSymbolAction(ctx =>
            {
                var type = (INamedTypeSymbol)ctx.Symbol;
                if (!IsPolicy(type)) return;
                var map = installs.Value;
                if (map.Count < 2 || !map.TryGetValue(type.Name, out var mine) || (mine.Kind & InstallKind.Now) == 0) return;
                // Only the policies whose install can run in the same process as this one's: an install in the other
                // branch of the same if, switch or conditional never follows it.
                var others = map.Where(kv => kv.Key != type.Name && kv.Value.Sites.Any(o => mine.NowSites.Any(m => !Exclusive(m, o))))
                    .Select(kv => kv.Key).OrderBy(k => k, System.StringComparer.Ordinal).ToList();
                if (others.Count == 0) return;
                CheckLaterInstall(ctx, type, others);
            }, SymbolKind.NamedType);
        }

        /// <summary>
        /// The policies installed in the compilation, by simple name, how and where: <c>X.Apply()</c>, <c>X.TryApply(...)</c>,
        /// <c>X.Install(...)</c> at once; <c>X.ApplyWhen(...)</c> or a method group <c>X.Install</c> later. Only names of
        /// classes that carry [SeccompPolicy] count.
        /// </summary>
        /// <summary>How a policy is installed, and where: every site, and the sites that install at once.</summary>
        private sealed class Installs
        {
            public InstallKind Kind;
            public readonly List<SyntaxNode> Sites = new();
            public readonly List<SyntaxNode> NowSites = new();
        }

        /// <summary>
        /// Whether two install sites exclude each other: the two branches of one <c>if</c>/<c>else</c>, two sections of
        /// one <c>switch</c> statement, two arms of one switch expression, or the two results of one conditional
        /// expression. Anything else (two statements in a row, two methods) may both run in one process.
        /// </summary>
        private static bool Exclusive(SyntaxNode a, SyntaxNode b)
        {
            if (a.SyntaxTree != b.SyntaxTree) return false;
            var common = a.Ancestors().FirstOrDefault(n => n.Span.Contains(b.Span));
            int Part(SyntaxNode node, params SyntaxNode?[] parts)
            {
                for (int i = 0; i < parts.Length; i++)
                    if (parts[i] != null && parts[i]!.Span.Contains(node.Span)) return i + 1;
                return 0;
            }
            switch (common)
            {
                case IfStatementSyntax i:
                    { int pa = Part(a, i.Statement, i.Else), pb = Part(b, i.Statement, i.Else); return pa != 0 && pb != 0 && pa != pb; }
                case ConditionalExpressionSyntax c:
                    { int pa = Part(a, c.WhenTrue, c.WhenFalse), pb = Part(b, c.WhenTrue, c.WhenFalse); return pa != 0 && pb != 0 && pa != pb; }
                case SwitchStatementSyntax s:
                    { var sections = s.Sections.Cast<SyntaxNode?>().ToArray(); int pa = Part(a, sections), pb = Part(b, sections); return pa != 0 && pb != 0 && pa != pb; }
                case SwitchExpressionSyntax e:
                    { var arms = e.Arms.Cast<SyntaxNode?>().ToArray(); int pa = Part(a, arms), pb = Part(b, arms); return pa != 0 && pb != 0 && pa != pb; }
                default:
                    return false;
            }
        }

        private static Dictionary<string, Installs> ScanInstalls(Compilation compilation, CancellationToken ct)
        {
            var policyNames = new HashSet<string>(System.StringComparer.Ordinal);
            foreach (var tree in compilation.SyntaxTrees)
                foreach (var t in tree.GetRoot(ct).DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax or TypeDeclarationSyntax).OfType<TypeDeclarationSyntax>())
                    if (PolicySyntaxReader.NamesPolicy(t))
                        policyNames.Add(t.Identifier.ValueText);
            var result = new Dictionary<string, Installs>(System.StringComparer.Ordinal);
            if (policyNames.Count < 2) return result;
            foreach (var tree in compilation.SyntaxTrees)
            {
                if (tree.FilePath.EndsWith(".g.cs", System.StringComparison.OrdinalIgnoreCase)) continue;
                foreach (var name in tree.GetRoot(ct).DescendantNodes().OfType<IdentifierNameSyntax>())
                {
                    if (!s_applyNames.Contains(name.Identifier.ValueText)) continue;
                    string? target = null;
                    ExpressionSyntax callee = name;
                    if (name.Parent is MemberAccessExpressionSyntax m && m.Name == name)
                    {
                        callee = m;
                        target = m.Expression switch
                        {
                            IdentifierNameSyntax i => i.Identifier.ValueText,
                            MemberAccessExpressionSyntax q => q.Name.Identifier.ValueText,
                            AliasQualifiedNameSyntax a => a.Name.Identifier.ValueText,
                            _ => null,
                        };
                    }
                    else target = name.FirstAncestorOrSelf<TypeDeclarationSyntax>()?.Identifier.ValueText;
                    if (target == null || !policyNames.Contains(target)) continue;
                    bool invoked = callee.Parent is InvocationExpressionSyntax call && call.Expression == callee;
                    var kind = invoked && name.Identifier.ValueText != "ApplyWhen" ? InstallKind.Now : InstallKind.Later;
                    if (!result.TryGetValue(target, out var found)) result[target] = found = new Installs();
                    found.Kind |= kind;
                    found.Sites.Add(callee);
                    if (kind == InstallKind.Now) found.NowSites.Add(callee);
                }
            }
            return result;
        }

        /// <summary>
        /// SECC0052: with two or more policies installed in the project, one installed at once (the first phase) must let
        /// the others' installs through: seccomp(SECCOMP_SET_MODE_FILTER) and seccomp(SECCOMP_GET_ACTION_AVAIL).
        /// </summary>
        private static void CheckLaterInstall(SymbolAnalysisContext end, INamedTypeSymbol policy, IReadOnlyList<string> otherPolicies)
        {
            {
                var read = PolicyReader.Read(policy);
                if (read == null || read.ReadErrors.Any(e => e.IsError)) return;
                var compilation = Seccomp.Compiler.PolicyCompiler.Compile(read.Model, end.CancellationToken);
                if (compilation.HasErrors) return;
                var denied = Seccomp.Compiler.Analysis.LaterInstall.DeniedOperations(compilation);
                if (denied.Count == 0) return;
                var location = read.PolicyAttribute.ApplicationSyntaxReference?.GetSyntax(end.CancellationToken).GetLocation()
                    ?? policy.Locations.FirstOrDefault();
                string others = string.Join(", ", otherPolicies.Select(o => "'" + o + "'"));
                string ops = string.Join(" and ", denied.Select(d => "seccomp(" + d + ")"));
                string? condition = Seccomp.Compiler.Analysis.LaterInstall.FixCondition(compilation, denied);
                var properties = ImmutableDictionary<string, string?>.Empty;
                string what;
                if (condition != null)
                {
                    properties = properties.Add(PolicyAnalyzer.FixProperty, Seccomp.Compiler.Diagnostics.FixKinds.AllowLaterInstall).Add(ConditionProperty, condition);
                    what = $"add [Allow(\"seccomp\", When = \"{condition}\")] to '{policy.Name}'";
                }
                else
                {
                    what = $"a rule of '{policy.Name}' denies seccomp outright and no Allow can undo it: narrow that rule to leave {ops} allowed";
                }
                end.ReportDiagnostic(Diagnostic.Create(Descriptors.BlocksLaterInstall, location, properties,
                    $"'{policy.Name}' is installed at once and the project also installs {others}, but '{policy.Name}' denies {ops}: "
                    + $"every policy installed after it fails with EPERM (ApplyWhen then ends the process); {what}"));
            }
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
