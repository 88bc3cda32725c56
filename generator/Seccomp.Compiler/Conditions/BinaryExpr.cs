using System.Collections.Generic;

namespace Seccomp.Compiler.Conditions
{
    internal sealed record BinaryExpr(string Op, Expr Left, Expr Right, TextSpan Span, TextSpan OpSpan) : Expr(Span);
}
