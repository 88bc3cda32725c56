using Seccomp.Compiler;
using Seccomp.Compiler.Policy;

namespace Seccomp.Generators
{
    /// <summary>Where to put the generated members, and the policy to compile; no symbols, no syntax.</summary>
    internal sealed record PolicyTarget(
        string? Namespace,
        EquatableArray<string> Containers,
        string ClassName,
        string FullName,
        string HintName,
        bool LogDenied,
        PolicyModel Model,
        bool HasReadErrors,
        EquatableArray<RuleSource> RuleSources);
}
