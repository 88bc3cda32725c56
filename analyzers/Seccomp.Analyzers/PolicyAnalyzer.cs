using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Seccomp.Compiler;
using Seccomp.Compiler.Analysis;
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
            context.RegisterCompilationStartAction(start =>
            {
                // The generator's reading depends on the compilation's global aliases: found once, on first need.
                // PublicationOnly: a cancelled first attempt is not remembered as the answer.
                var aliases = new Lazy<IReadOnlyList<AttributeAlias>>(() => PolicySyntaxReader.GlobalAliases(start.Compilation, start.CancellationToken),
                    System.Threading.LazyThreadSafetyMode.PublicationOnly);
                start.RegisterSymbolAction(c => AnalyzeType(c, aliases), SymbolKind.NamedType);
            });
        }

        private void AnalyzeType(SymbolAnalysisContext context, Lazy<IReadOnlyList<AttributeAlias>> aliases)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            var ct = context.CancellationToken;
            var read = PolicyReader.Read(type);
            if (read == null)
            {
                // The generator reads this class as a policy from its syntax, but its [SeccompPolicy] binds to another type.
                if (type.TypeKind == TypeKind.Class && type.DeclaringSyntaxReferences.Any(r => PolicySyntaxReader.NamesPolicy(r.GetSyntax(ct)))
                    && GeneratorReading(type, aliases, ct) != null)
                    context.ReportDiagnostic(Diagnostic.Create(Descriptors.BindsOtherThanWritten, type.Locations.FirstOrDefault(),
                        $"'{type.Name}' carries [SeccompPolicy], which the generator reads as Seccomp's, but the compiler binds it to another " +
                        "type of that name: the generator would add a seccomp program to a class that is not a policy. Qualify the name " +
                        "(global::Seccomp.SeccompPolicy) or rename the other type"));
                return;
            }
            var locator = new PolicyLocator(read, ct);

            if (WhyNotExtensible(type, ct) is { } why)
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.NotPartial, type.Locations.FirstOrDefault(),
                    $"'{type.Name}' has [SeccompPolicy] but {why}: the generator cannot add Apply() to it"));

            if (SyntaxReadingDiffers(type, read, GeneratorReading(type, aliases, ct), ct) is { } difference)
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.BindsOtherThanWritten,
                    read.PolicyAttribute.ApplicationSyntaxReference?.GetSyntax(ct).GetLocation() ?? type.Locations.FirstOrDefault(),
                    $"The generator reads '{type.Name}' from its attributes' syntax, but the compiler binds {difference}: the generated program " +
                    "would not be the policy the attributes declare. Qualify the names (global::Seccomp.Allow, global::Seccomp.Errno.EPERM) " +
                    "or rename the type or alias that shadows them"));

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

        /// <summary>
        /// Where the generator, which reads a policy written with literals from its syntax (<see cref="PolicySyntaxReader"/>),
        /// would read something other than the bound attributes: a description of the first difference, or null when the
        /// two agree or the generator binds this policy too. Syntax cannot see a type or alias of the same name that
        /// shadows Seccomp's; this check can, so no such policy builds.
        /// </summary>
        internal static string? SyntaxReadingDiffers(INamedTypeSymbol type, ReadPolicy read, PolicyTarget? fromSyntax, System.Threading.CancellationToken ct)
        {
            if (fromSyntax == null) return null;
            var bound = PolicyTargetReader.Read(type, read, ct);
            if (bound == null || bound.Equals(fromSyntax)) return null;
            var a = fromSyntax.Model.Rules;
            var b = bound.Model.Rules;
            if (a.Count != b.Count)
                return $"{b.Count} of its attributes as Seccomp rules where the syntax reads {a.Count}";
            for (int i = 0; i < a.Count; i++)
                if (!a[i].Equals(b[i]))
                    return a[i].Action != b[i].Action
                        ? $"rule {fromSyntax.RuleSources[i].Text} to {PolicyText.Verdict(b[i].Action)} where the syntax reads {PolicyText.Verdict(a[i].Action)}"
                        : $"rule {fromSyntax.RuleSources[i].Text} to other syscalls or another condition than the syntax reads";
            return "its settings (default, architectures or errno values) to other values than the syntax reads";
        }

        /// <summary>
        /// The policy the generator reads from the type's syntax, as its pipeline decides (<see cref="PolicySyntaxReader.Policies"/>),
        /// or null when it binds the type's attributes (or finds no policy).
        /// </summary>
        internal static PolicyTarget? GeneratorReading(INamedTypeSymbol type, Lazy<IReadOnlyList<AttributeAlias>> aliases, System.Threading.CancellationToken ct)
        {
            List<PolicyDeclaration>? parts = null;
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(ct) is not TypeDeclarationSyntax t || !PolicySyntaxReader.IsAttributedType(t)) continue;
                try
                {
                    (parts ??= new List<PolicyDeclaration>()).Add(PolicySyntaxReader.Declaration(t, ct));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    return null; // the generator binds a declaration its reader trips on
                }
            }
            return parts == null ? null : PolicySyntaxReader.Policies(parts, aliases.Value).FirstOrDefault()?.Target;
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
