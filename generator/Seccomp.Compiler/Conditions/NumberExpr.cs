using System.Collections.Generic;

namespace Seccomp.Compiler.Conditions
{
    internal sealed record NumberExpr(ulong Magnitude, TextSpan Span) : Expr(Span);
}
