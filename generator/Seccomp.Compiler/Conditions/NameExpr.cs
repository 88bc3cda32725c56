using System.Collections.Generic;

namespace Seccomp.Compiler.Conditions
{
    internal sealed record NameExpr(string Name, TextSpan Span) : Expr(Span);
}
