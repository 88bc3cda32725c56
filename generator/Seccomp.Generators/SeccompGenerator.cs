using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Seccomp.Generators
{
    /// <summary>
    /// Compiles every <c>[SeccompPolicy]</c> class into finished BPF programs at build time. Pipeline:
    /// declarations → <see cref="PolicyTarget"/> (Parser: read from the syntax, bound only where the syntax does not
    /// settle it) → <see cref="EmitModel"/> (compiled by the core) → source (Emitter). Models hold only primitives
    /// and equatable arrays, so an edit elsewhere leaves every step cached. Diagnostics come from the analyzers, which
    /// share the readers; the generator reports nothing itself.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed partial class SeccompGenerator : IIncrementalGenerator
    {
        public static class TrackingNames
        {
            public const string Declarations = nameof(Declarations);
            public const string Policy = nameof(Policy);
            public const string Compiled = nameof(Compiled);
            public const string Settings = nameof(Settings);
        }

        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            // Not ForAttributeWithMetadataName: it binds every attribute of the class to match the attribute's type,
            // and in a cold build the first binding pays for loading every referenced assembly's symbols (about 0.13 s
            // measured), which the compiler needs later anyway. The syntax of a policy written with literals settles
            // the policy; the rest is bound (Parser).
            var declarations = context.SyntaxProvider
                .CreateSyntaxProvider(
                    static (node, _) => PolicySyntaxReader.IsAttributedType(node),
                    static (ctx, ct) => ReadDeclaration((TypeDeclarationSyntax)ctx.Node, ct))
                .WithTrackingName(TrackingNames.Declarations);

            // Global aliases can rename an attribute in every file, which one declaration's syntax does not show.
            var aliases = context.SyntaxProvider
                .CreateSyntaxProvider(
                    static (node, _) => PolicySyntaxReader.IsGlobalAlias(node),
                    static (ctx, _) => PolicySyntaxReader.GlobalAlias((UsingDirectiveSyntax)ctx.Node))
                .Collect();

            var policies = declarations.Collect()
                .Combine(aliases)
                .SelectMany(static (pair, _) => PolicySyntaxReader.Policies(pair.Left, pair.Right))
                .Combine(context.CompilationProvider)
                .Select(static (pair, ct) => Parse(pair.Left, pair.Right, ct))
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
                    o.GlobalOptions.TryGetValue(GeneratorSettings.ExportOciProperty, out var oci);
                    o.GlobalOptions.TryGetValue(GeneratorSettings.ExportOciSelfPidProperty, out var pid);
                    return new GeneratorSettings(string.Equals(allow?.Trim(), "true", System.StringComparison.OrdinalIgnoreCase),
                        string.IsNullOrEmpty(dir) ? null : dir,
                        string.Equals(oci?.Trim(), "true", System.StringComparison.OrdinalIgnoreCase),
                        uint.TryParse(pid?.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uint p) ? p : null);
                })
                .WithTrackingName(TrackingNames.Settings);

            context.RegisterSourceOutput(compiled.Combine(settings), static (spc, pair) => Emit(spc, pair.Left, pair.Right));
        }
    }
}
