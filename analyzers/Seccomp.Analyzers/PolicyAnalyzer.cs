using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Seccomp.Compiler;
using Seccomp.Compiler.Codegen;
using Seccomp.Compiler.Policy;
using Seccomp.Generators;

namespace Seccomp.Analyzers
{
    /// <summary>
    /// Reports what is wrong in a policy: the checks of the compiler core (names, values, conditions, size), located
    /// on the attribute argument or on the exact characters of a condition.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class PolicyAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => Descriptors.All;

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterSymbolAction(AnalyzeType, SymbolKind.NamedType);
        }

        private static void AnalyzeType(SymbolAnalysisContext context)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            var read = PolicyReader.Read(type);
            if (read == null) return;
            var locator = new PolicyLocator(read, context.CancellationToken);

            if (!type.DeclaringSyntaxReferences.Any(r => r.GetSyntax(context.CancellationToken) is TypeDeclarationSyntax t
                    && t.Modifiers.Any(SyntaxKind.PartialKeyword)))
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.NotPartial, type.Locations.FirstOrDefault(),
                    $"'{type.Name}' has [SeccompPolicy] but is not partial: the generator cannot add Apply() to it"));

            var errors = new List<PolicyError>(read.ReadErrors);
            errors.AddRange(PolicyResolver.Check(read.Model));
            if (!errors.Any(e => e.IsError))
            {
                foreach (var arch in read.Model.Architectures)
                {
                    if (BpfCompiler.Compile(PolicyResolver.Resolve(read.Model, arch)) is CompileResult.Failure f)
                        errors.AddRange(f.Errors);
                }
            }
            foreach (var e in errors)
            {
                var descriptor = Descriptors.ById(e.Id);
                if (descriptor == null) continue;
                context.ReportDiagnostic(Diagnostic.Create(descriptor, locator.Locate(e), e.Message));
            }
        }
    }
}
