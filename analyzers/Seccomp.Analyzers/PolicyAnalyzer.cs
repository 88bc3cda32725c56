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
using Seccomp.Compiler.Codegen;
using Seccomp.Compiler.Policy;
using Seccomp.Generators;

namespace Seccomp.Analyzers
{
    /// <summary>
    /// Reports what is wrong in a policy: the checks of the compiler core (names, values, conditions, size), and when
    /// the policy is valid, the core's analysis of what it does (<see cref="PolicyAnalysis"/>): rules that never
    /// decide a call, duplicates, constant conditions, dangerous allowances, calls the runtime needs. Each is located
    /// on the attribute, the name argument, or the exact characters of a condition.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class PolicyAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: what a code fix does (<see cref="FixKinds"/>).</summary>
        public const string FixProperty = "Fix";

        /// <summary>Diagnostic property: the closest known name, for a misspelling.</summary>
        public const string SuggestionProperty = "Suggestion";

        public static class FixKinds
        {
            public const string RemoveRule = nameof(RemoveRule);
            public const string RemoveName = nameof(RemoveName);
            public const string RemoveThread = nameof(RemoveThread);
            public const string KillProcess = nameof(KillProcess);
        }

        private readonly Func<ResolvedPolicy, CompileResult> _compile;

        public PolicyAnalyzer() : this(BpfCompiler.Compile) { }

        /// <summary>For tests: a compiler that fails as a real one never should (the verifier diagnostic).</summary>
        internal PolicyAnalyzer(Func<ResolvedPolicy, CompileResult> compile) => _compile = compile;

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

            if (!type.DeclaringSyntaxReferences.Any(r => r.GetSyntax(ct) is TypeDeclarationSyntax t
                    && t.Modifiers.Any(SyntaxKind.PartialKeyword)))
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.NotPartial, type.Locations.FirstOrDefault(),
                    $"'{type.Name}' has [SeccompPolicy] but is not partial: the generator cannot add Apply() to it"));

            var errors = new List<PolicyError>(read.ReadErrors);
            errors.AddRange(PolicyResolver.Check(read.Model));
            bool valid = !errors.Any(e => e.IsError);
            if (valid)
            {
                foreach (var arch in read.Model.Architectures)
                {
                    if (_compile(PolicyResolver.Resolve(read.Model, arch)) is CompileResult.Failure f)
                        errors.AddRange(f.Errors);
                }
            }
            foreach (var e in errors)
            {
                var descriptor = Descriptors.ById(e.Id);
                if (descriptor == null || (context.IsGeneratedCode && !e.IsError)) continue;
                var properties = ImmutableDictionary<string, string?>.Empty;
                if (e.Suggestion != null) properties = properties.Add(SuggestionProperty, e.Suggestion);
                context.ReportDiagnostic(Diagnostic.Create(descriptor, locator.Locate(e), properties, e.Message));
            }
            if (!valid || context.IsGeneratedCode) return;

            foreach (var f in PolicyAnalysis.Analyze(read.Model, ct))
            {
                var at = new PolicyError(Descriptors.For(f.Kind).Id, false, f.Message, f.RuleIndex, f.Site, f.NameIndex, f.Start, f.Length, f.Property);
                string? fix = f.Kind switch
                {
                    FindingKind.UnreachableRule or FindingKind.DuplicateRule or FindingKind.RuleSameAsDefault =>
                        f.Site == ErrorSite.SyscallName ? FixKinds.RemoveName : f.RuleIndex >= 0 ? FixKinds.RemoveRule : null,
                    FindingKind.KillThread => f.RuleIndex >= 0 ? FixKinds.RemoveThread : FixKinds.KillProcess,
                    _ => null,
                };
                var properties = fix == null
                    ? ImmutableDictionary<string, string?>.Empty
                    : ImmutableDictionary<string, string?>.Empty.Add(FixProperty, fix);
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.For(f.Kind), locator.Locate(at), properties, f.Message));
            }
        }
    }
}
