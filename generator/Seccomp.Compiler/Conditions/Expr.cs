using System.Collections.Generic;

namespace Seccomp.Compiler.Conditions
{
    /// <summary>The parsed condition, before any name is resolved; positions are kept for diagnostics.</summary>
    internal abstract record Expr(TextSpan Span);
}
