using System.Collections.Generic;

namespace Seccomp.Compiler.Conditions
{
    internal sealed record ParenExpr(Expr Inner, TextSpan Span) : Expr(Span);
}
