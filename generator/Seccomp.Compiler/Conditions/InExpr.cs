using System.Collections.Generic;

namespace Seccomp.Compiler.Conditions
{
    internal sealed record InExpr(Expr Operand, IReadOnlyList<Expr> Items, TextSpan Span) : Expr(Span);
}
