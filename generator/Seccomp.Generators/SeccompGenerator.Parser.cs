using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Seccomp.Generators
{
    public sealed partial class SeccompGenerator
    {
        private static PolicyDeclaration ReadDeclaration(Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax type, CancellationToken ct)
        {
            try
            {
                return PolicySyntaxReader.Declaration(type, ct);
            }
            catch (System.Exception ex) when (ex is not System.OperationCanceledException)
            {
                // Never throw into the compiler: a policy the syntax reader trips on is bound instead.
                return new PolicyDeclaration(PolicySyntaxReader.MetadataName(type), IsPolicy: true, Target: null);
            }
        }

        /// <summary>
        /// One entry per policy type. A type whose Seccomp attributes are all on one declaration keeps what its syntax
        /// said; one whose attributes are spread over several partial declarations, or whose syntax did not settle the
        /// policy, keeps only its name, to be bound.
        /// </summary>
        private static IEnumerable<PolicyDeclaration> Policies(ImmutableArray<PolicyDeclaration> all)
        {
            var parts = new Dictionary<string, int>(System.StringComparer.Ordinal);
            foreach (var d in all) parts[d.MetadataName] = parts.TryGetValue(d.MetadataName, out int n) ? n + 1 : 1;
            var done = new HashSet<string>(System.StringComparer.Ordinal);
            foreach (var d in all)
            {
                if (!d.IsPolicy || !done.Add(d.MetadataName)) continue;
                yield return parts[d.MetadataName] == 1 && d.Target != null ? d : d with { Target = null };
            }
        }

        private static PolicyTarget? Parse(PolicyDeclaration declaration, Compilation compilation, CancellationToken ct)
        {
            if (declaration.Target != null) return declaration.Target;
            try
            {
                // Only the compilation's own types: a referenced assembly may hold a type of the same name.
                return compilation.Assembly.GetTypeByMetadataName(declaration.MetadataName) is { } type
                    ? PolicyTargetReader.Read(type, ct)
                    : null;
            }
            catch (System.Exception ex) when (ex is not System.OperationCanceledException)
            {
                // Never throw into the compiler; the analyzers read the same attributes and report what is wrong.
                return null;
            }
        }
    }
}
