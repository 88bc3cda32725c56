using System.Collections.Generic;

namespace Seccomp.Compiler.Conditions
{
    internal sealed record NegateExpr(Expr Operand, TextSpan Span) : Expr(Span);
}
