using System;
using System.Collections.Generic;

namespace Seccomp.Compiler.Conditions
{
    /// <summary>One condition bound to one syscall on one architecture, with where its parts were written.</summary>
    /// <param name="Condition">The bound tree, or null when the text has problems.</param>
    /// <param name="Warnings">Findings that do not stop the condition from binding (argN on prctl...).</param>
    internal sealed record BoundCondition(Condition? Condition, IReadOnlyList<ConditionProblem> Problems, ConditionSpans Spans,
        IReadOnlyList<ConditionProblem> Warnings);
}
