using System.Collections.Generic;

namespace Seccomp.Compiler.Conditions
{
    /// <summary>A span of characters in the condition string (offsets into the string's value, not the source).</summary>
    public readonly record struct TextSpan(int Start, int Length)
    {
        public int End => Start + Length;
        public static TextSpan FromBounds(int start, int end) => new(start, end - start);
    }

    /// <summary>The parsed condition, before any name is resolved; positions are kept for diagnostics.</summary>
    public abstract record Expr(TextSpan Span);

    public sealed record BinaryExpr(string Op, Expr Left, Expr Right, TextSpan Span, TextSpan OpSpan) : Expr(Span);

    public sealed record NotExpr(Expr Operand, TextSpan Span) : Expr(Span);

    public sealed record NegateExpr(Expr Operand, TextSpan Span) : Expr(Span);

    public sealed record NameExpr(string Name, TextSpan Span) : Expr(Span);

    public sealed record NumberExpr(ulong Magnitude, TextSpan Span) : Expr(Span);

    public sealed record ParenExpr(Expr Inner, TextSpan Span) : Expr(Span);

    public sealed record InExpr(Expr Operand, IReadOnlyList<Expr> Items, TextSpan Span) : Expr(Span);

    /// <summary>A problem at characters of the condition.</summary>
    public sealed record ConditionProblem(string Id, string Message, TextSpan Span, string? Suggestion = null);
}
