using System.Collections.Generic;

namespace Seccomp.Compiler.Conditions
{
    /// <summary>A problem at characters of the condition.</summary>
    internal sealed record ConditionProblem(string Id, string Message, TextSpan Span, string? Suggestion = null);
}
