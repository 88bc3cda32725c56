using System.Collections.Generic;

namespace Seccomp.Compiler.Conditions
{
    internal sealed record NotExpr(Expr Operand, TextSpan Span) : Expr(Span);
}
