using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Seccomp.Compiler;
using Seccomp.Compiler.Diagnostics;
using Seccomp.Compiler.Policy;
using Seccomp.Generators;

namespace Seccomp.Analyzers
{
    /// <summary>
    /// Reports what the compiler core says about a policy: its errors (names, values, conditions, size) and, when the
    /// policy is valid, the analysis's findings (rules that never decide a call, duplicates, constant conditions,
    /// dangerous allowances, calls the runtime needs). Each is located on the attribute, the name argument, or the
    /// exact characters of a condition. The compilation comes from <see cref="PolicyCompiler"/>, which the generator
    /// asked about the same model first: nothing is compiled twice.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class PolicyAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: what a code fix does (<see cref="FixKinds"/>).</summary>
        public const string FixProperty = "Fix";

        /// <summary>Diagnostic property: the closest known name, for a misspelling.</summary>
        public const string SuggestionProperty = "Suggestion";

        private readonly Func<PolicyModel, System.Threading.CancellationToken, PolicyCompilation> _compile;

        public PolicyAnalyzer() : this(PolicyCompiler.Compile) { }

        /// <summary>For tests: a compiler that fails as a real one never should (the verifier diagnostic).</summary>
        internal PolicyAnalyzer(Func<PolicyModel, System.Threading.CancellationToken, PolicyCompilation> compile) => _compile = compile;

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => Descriptors.Policies;

        public override void Initialize(AnalysisContext context)
        {
            // A policy written by a tool (an auto-generated file) still gets its errors, which would otherwise surface as
            // a missing Apply(); the warnings about what a valid policy does are for policies people write.
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics);
            context.EnableConcurrentExecution();
            context.RegisterSymbolAction(AnalyzeType, SymbolKind.NamedType);
        }

        private void AnalyzeType(SymbolAnalysisContext context)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            var read = PolicyReader.Read(type);
            if (read == null) return;
            var ct = context.CancellationToken;
            var locator = new PolicyLocator(read, ct);

            if (WhyNotExtensible(type, ct) is { } why)
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.NotPartial, type.Locations.FirstOrDefault(),
                    $"'{type.Name}' has [SeccompPolicy] but {why}: the generator cannot add Apply() to it"));

            foreach (var e in read.ReadErrors) Report(context, locator, e);
            bool readErrors = read.ReadErrors.Any(e => e.IsError);
            foreach (var d in _compile(read.Model, ct).Diagnostics)
            {
                // Generated policies get their errors only: the findings are about what people write, and about a
                // policy whose attributes could all be read.
                if ((context.IsGeneratedCode || readErrors) && !d.IsError) continue;
                Report(context, locator, d);
            }
        }

        /// <summary>
        /// Why the generator cannot add members to the type, or null. It writes a <c>partial class</c> in a file of its
        /// own, so the type must be a partial, non-record class that another file can extend (not file-local).
        /// </summary>
        internal static string? WhyNotExtensible(INamedTypeSymbol type, System.Threading.CancellationToken ct)
        {
            if (type.TypeKind == TypeKind.Struct) return type.IsRecord ? "is a record struct, not a class" : "is a struct, not a class";
            if (type.IsRecord) return "is a record, not a plain class";
            if (type.IsFileLocal) return "is file-local, so no other file can extend it";
            if (!type.DeclaringSyntaxReferences.Any(r => r.GetSyntax(ct) is TypeDeclarationSyntax t && t.Modifiers.Any(SyntaxKind.PartialKeyword)))
                return "is not partial";
            return null;
        }

        private static void Report(SymbolAnalysisContext context, PolicyLocator locator, PolicyDiagnostic d)
        {
            var descriptor = Descriptors.ById(d.Id);
            if (descriptor == null) return;
            var properties = ImmutableDictionary<string, string?>.Empty;
            if (d.Suggestion != null) properties = properties.Add(SuggestionProperty, d.Suggestion);
            if (d.Fix != null) properties = properties.Add(FixProperty, d.Fix);
            context.ReportDiagnostic(Diagnostic.Create(descriptor, locator.Locate(d.Location), properties, d.Render(KnownNames.Spell)));
        }
    }
}
