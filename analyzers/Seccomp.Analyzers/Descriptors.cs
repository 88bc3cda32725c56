using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Seccomp.Compiler.Diagnostics;

namespace Seccomp.Analyzers
{
    /// <summary>
    /// The diagnostic descriptors, built from the core's <see cref="DiagnosticCatalog"/> (ID, title, default severity,
    /// category, help page): nothing about a rule is written here. Every one but SECC0012 (which guards the emitted program) can be configured in .editorconfig
    /// (<c>dotnet_diagnostic.SECC0030.severity = none</c>).
    /// </summary>
    internal static class Descriptors
    {
        public const string HelpBase = DiagnosticCatalog.HelpBase;

        private static readonly Dictionary<string, DiagnosticDescriptor> s_byId =
            DiagnosticCatalog.All.ToDictionary(i => i.Id, Create);

        private static DiagnosticDescriptor Create(DiagnosticInfo info)
        {
            var tags = new List<string>();
            if (info.Unnecessary) tags.Add(WellKnownDiagnosticTags.Unnecessary);
            if (info.CompilationEnd) tags.Add(WellKnownDiagnosticTags.CompilationEnd);
            if (info.NotConfigurable) tags.Add(WellKnownDiagnosticTags.NotConfigurable);
            var severity = info.Level switch
            {
                DiagnosticLevel.Error => DiagnosticSeverity.Error,
                DiagnosticLevel.Warning => DiagnosticSeverity.Warning,
                _ => DiagnosticSeverity.Info,
            };
            return new DiagnosticDescriptor(info.Id, info.Title, "{0}", info.Category, severity, isEnabledByDefault: true,
                helpLinkUri: info.HelpLink, customTags: tags.ToArray());
        }

        public static DiagnosticDescriptor Get(string id) => s_byId[id];

        public static DiagnosticDescriptor? ById(string id) => s_byId.TryGetValue(id, out var d) ? d : null;

        public static DiagnosticDescriptor NotPartial => Get(DiagnosticIds.NotPartial);
        public static DiagnosticDescriptor BindsOtherThanWritten => Get(DiagnosticIds.BindsOtherThanWritten);
        public static DiagnosticDescriptor PolicyNeverApplied => Get(DiagnosticIds.PolicyNeverApplied);
        public static DiagnosticDescriptor ApplyNotFirst => Get(DiagnosticIds.ApplyNotFirst);
        public static DiagnosticDescriptor BlocksLaterInstall => Get(DiagnosticIds.BlocksLaterInstall);
        public static DiagnosticDescriptor UnreachableRule => Get(DiagnosticIds.UnreachableRule);
        public static DiagnosticDescriptor ConditionNeverTrue => Get(DiagnosticIds.ConditionNeverTrue);

        /// <summary>What <see cref="ApplyUsageAnalyzer"/> reports; <see cref="PolicyAnalyzer"/> reports every other rule.</summary>
        public static ImmutableArray<DiagnosticDescriptor> Usages { get; } =
            ImmutableArray.Create(Get(DiagnosticIds.PolicyNeverApplied), Get(DiagnosticIds.ApplyNotFirst), Get(DiagnosticIds.BlocksLaterInstall));

        public static ImmutableArray<DiagnosticDescriptor> Policies { get; } =
            DiagnosticCatalog.All.Select(i => s_byId[i.Id]).Where(d => !Usages.Contains(d)).ToImmutableArray();

        public static ImmutableArray<DiagnosticDescriptor> All { get; } = Policies.AddRange(Usages);
    }
}
