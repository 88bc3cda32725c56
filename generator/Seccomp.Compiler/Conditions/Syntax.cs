using System.Collections.Generic;

namespace Seccomp.Compiler.Conditions
{
    /// <summary>A span of characters in the condition string (offsets into the string's value, not the source).</summary>
    internal readonly record struct TextSpan(int Start, int Length)
    {
        public int End => Start + Length;
        public static TextSpan FromBounds(int start, int end) => new(start, end - start);
    }

    /// <summary>The parsed condition, before any name is resolved; positions are kept for diagnostics.</summary>
    internal abstract record Expr(TextSpan Span);

    internal sealed record BinaryExpr(string Op, Expr Left, Expr Right, TextSpan Span, TextSpan OpSpan) : Expr(Span);

    internal sealed record NotExpr(Expr Operand, TextSpan Span) : Expr(Span);

    internal sealed record NegateExpr(Expr Operand, TextSpan Span) : Expr(Span);

    internal sealed record NameExpr(string Name, TextSpan Span) : Expr(Span);

    internal sealed record NumberExpr(ulong Magnitude, TextSpan Span) : Expr(Span);

    internal sealed record ParenExpr(Expr Inner, TextSpan Span) : Expr(Span);

    internal sealed record InExpr(Expr Operand, IReadOnlyList<Expr> Items, TextSpan Span) : Expr(Span);

    /// <summary>A problem at characters of the condition.</summary>
    internal sealed record ConditionProblem(string Id, string Message, TextSpan Span, string? Suggestion = null);
}
