using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Seccomp.Generators
{
    /// <summary>
    /// Compiles every <c>[SeccompPolicy]</c> class into finished BPF programs at build time. Pipeline:
    /// attributes → <see cref="PolicyTarget"/> (Parser) → <see cref="EmitModel"/> (compiled by the core) → source
    /// (Emitter). Models hold only primitives and equatable arrays, so an edit elsewhere leaves every step cached.
    /// Diagnostics come from the analyzers, which share the parser; the generator reports nothing itself.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed partial class SeccompGenerator : IIncrementalGenerator
    {
        public static class TrackingNames
        {
            public const string Policy = nameof(Policy);
            public const string Compiled = nameof(Compiled);
            public const string Settings = nameof(Settings);
        }

        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var policies = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    KnownNames.PolicyAttribute,
                    static (node, _) => node is ClassDeclarationSyntax,
                    static (ctx, ct) => Parse(ctx, ct))
                .Where(static p => p is not null)
                .Select(static (p, _) => p!)
                .WithTrackingName(TrackingNames.Policy);

            var compiled = policies
                .Select(static (p, ct) => Compile(p, ct))
                .WithTrackingName(TrackingNames.Compiled);

            var settings = context.AnalyzerConfigOptionsProvider
                .Select(static (o, _) =>
                {
                    o.GlobalOptions.TryGetValue(GeneratorSettings.AllowRecordingProperty, out var allow);
                    o.GlobalOptions.TryGetValue(GeneratorSettings.ProjectDirProperty, out var dir);
                    return new GeneratorSettings(string.Equals(allow?.Trim(), "true", System.StringComparison.OrdinalIgnoreCase),
                        string.IsNullOrEmpty(dir) ? null : dir);
                })
                .WithTrackingName(TrackingNames.Settings);

            context.RegisterSourceOutput(compiled.Combine(settings), static (spc, pair) => Emit(spc, pair.Left, pair.Right));
        }
    }
}
