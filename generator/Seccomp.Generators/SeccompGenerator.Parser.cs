using System.Threading;
using Seccomp.Compiler;
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
                return new PolicyDeclaration(PolicySyntaxReader.MetadataName(type), type is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax,
                    EquatableArray<string>.Empty, MustBind: true, Target: null);
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
