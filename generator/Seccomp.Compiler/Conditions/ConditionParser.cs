using System.Collections.Generic;
using System.Globalization;

using Seccomp.Compiler.Diagnostics;

namespace Seccomp.Compiler.Conditions
{
    /// <summary>
    /// Parses the condition language. Precedence, loosest first: <c>||</c>, <c>&amp;&amp;</c>, <c>!</c>, comparisons
    /// and <c>in</c>, <c>|</c>, <c>&amp;</c>, unary minus. Unlike C, <c>&amp;</c> and <c>|</c> bind tighter than
    /// <c>==</c>, so <c>flags &amp; O_ACCMODE == O_RDONLY</c> means what it reads as.
    /// </summary>
    internal sealed class ConditionParser
    {

        private enum Kind { Ident, Number, Op, End }

        private readonly record struct Token(Kind Kind, string Text, TextSpan Span, ulong Value = 0);

        /// <summary>Nesting of parentheses, '!' and '-', and binary operators per condition: the compiler and the
        /// analyzers recurse over the tree, and a stack overflow would take the whole compiler down with it.</summary>
        public const int MaxDepth = 32, MaxOperators = 256, MaxListItems = 4096;

        private readonly string _text;
        private readonly List<Token> _tokens = new();
        private int _pos;
        private int _depth;
        private int _operators;

        private ConditionParser(string text) => _text = text;

        public static Expr? Parse(string text, out ConditionProblem? problem)
        {
            var p = new ConditionParser(text);
            try
            {
                p.Lex();
                var e = p.ParseOr();
                if (p.Peek.Kind != Kind.End)
                    throw p.Error(p.Peek.Span, $"unexpected '{p.Peek.Text}' after a complete condition");
                problem = null;
                return e;
            }
            catch (ParseException ex)
            {
                problem = ex.Problem;
                return null;
            }
        }

        private sealed class ParseException : System.Exception
        {
            public ParseException(ConditionProblem problem) : base(problem.Message) => Problem = problem;
            public ConditionProblem Problem { get; }
        }

        private ParseException Error(TextSpan span, string message) => new(new ConditionProblem(DiagnosticIds.ConditionSyntax, message, span));

        private Token Peek => _tokens[_pos];

        private Token Next() => _tokens[_pos++];

        private bool Accept(string op)
        {
            if (Peek.Kind != Kind.Op || Peek.Text != op) return false;
            _pos++;
            return true;
        }

        private void Enter(TextSpan at)
        {
            if (++_depth > MaxDepth)
                throw Error(at, $"the condition nests more than {MaxDepth} deep; split it into several rules");
        }

        private Token Operator()
        {
            var op = Next();
            if (++_operators > MaxOperators)
                throw Error(op.Span, $"the condition has more than {MaxOperators} operators; split it into several rules");
            return op;
        }

        private Token Expect(string op, string what)
        {
            if (Peek.Kind == Kind.Op && Peek.Text == op) return Next();
            throw Error(Peek.Kind == Kind.End ? new TextSpan(_text.Length, 0) : Peek.Span,
                Peek.Kind == Kind.End ? $"the condition ends where {what} was expected" : $"expected {what}, found '{Peek.Text}'");
        }

        private Expr ParseOr()
        {
            var left = ParseAnd();
            while (Peek.Kind == Kind.Op && Peek.Text == "||")
            {
                var op = Operator();
                var right = ParseAnd();
                left = new BinaryExpr("||", left, right, TextSpan.FromBounds(left.Span.Start, right.Span.End), op.Span);
            }
            return left;
        }

        private Expr ParseAnd()
        {
            var left = ParseNot();
            while (Peek.Kind == Kind.Op && Peek.Text == "&&")
            {
                var op = Operator();
                var right = ParseNot();
                left = new BinaryExpr("&&", left, right, TextSpan.FromBounds(left.Span.Start, right.Span.End), op.Span);
            }
            return left;
        }

        private Expr ParseNot()
        {
            if (Peek.Kind == Kind.Op && Peek.Text == "!")
            {
                var bang = Next();
                Enter(bang.Span);
                var operand = ParseNot();
                _depth--;
                return new NotExpr(operand, TextSpan.FromBounds(bang.Span.Start, operand.Span.End));
            }
            return ParseComparison();
        }

        private static readonly HashSet<string> s_relational = new() { "==", "!=", "<", "<=", ">", ">=" };

        private Expr ParseComparison()
        {
            var left = ParseBitOr();
            if (Peek.Kind == Kind.Op && s_relational.Contains(Peek.Text))
            {
                var op = Operator();
                var right = ParseBitOr();
                if (Peek.Kind == Kind.Op && s_relational.Contains(Peek.Text))
                    throw Error(Peek.Span, "comparisons do not chain: write 'a < x && x < b'");
                return new BinaryExpr(op.Text, left, right, TextSpan.FromBounds(left.Span.Start, right.Span.End), op.Span);
            }
            if (Peek.Kind == Kind.Ident && Peek.Text == "in")
            {
                Next();
                Expect("(", "'(' to open the list after 'in'");
                var items = new List<Expr> { ParseBitOr() };
                // A list's length does not deepen the tree (the binder balances it), so it has a limit of its own.
                while (Accept(","))
                {
                    if (items.Count == MaxListItems)
                        throw Error(Peek.Span, $"an 'in' list has at most {MaxListItems} items; split the rule");
                    items.Add(ParseBitOr());
                }
                var close = Expect(")", "',' or ')' in the list");
                return new InExpr(left, items, TextSpan.FromBounds(left.Span.Start, close.Span.End));
            }
            return left;
        }

        private Expr ParseBitOr()
        {
            var left = ParseBitAnd();
            while (Peek.Kind == Kind.Op && Peek.Text == "|")
            {
                var op = Operator();
                var right = ParseBitAnd();
                left = new BinaryExpr("|", left, right, TextSpan.FromBounds(left.Span.Start, right.Span.End), op.Span);
            }
            return left;
        }

        private Expr ParseBitAnd()
        {
            var left = ParseUnary();
            while (Peek.Kind == Kind.Op && Peek.Text == "&")
            {
                var op = Operator();
                var right = ParseUnary();
                left = new BinaryExpr("&", left, right, TextSpan.FromBounds(left.Span.Start, right.Span.End), op.Span);
            }
            return left;
        }

        private Expr ParseUnary()
        {
            if (Peek.Kind == Kind.Op && Peek.Text == "-")
            {
                var minus = Next();
                Enter(minus.Span);
                var operand = ParseUnary();
                _depth--;
                return new NegateExpr(operand, TextSpan.FromBounds(minus.Span.Start, operand.Span.End));
            }
            return ParsePrimary();
        }

        private Expr ParsePrimary()
        {
            var t = Peek;
            switch (t.Kind)
            {
                case Kind.Number:
                    Next();
                    return new NumberExpr(t.Value, t.Span);
                case Kind.Ident:
                    if (t.Text == "in") throw Error(t.Span, "'in' needs a value before it");
                    Next();
                    return new NameExpr(t.Text, t.Span);
                case Kind.Op when t.Text == "(":
                {
                    Next();
                    Enter(t.Span);
                    var inner = ParseOr();
                    var close = Expect(")", "')'");
                    _depth--;
                    return new ParenExpr(inner, TextSpan.FromBounds(t.Span.Start, close.Span.End));
                }
                case Kind.End:
                    throw Error(new TextSpan(_text.Length, 0), _text.Trim().Length == 0
                        ? "the condition is empty"
                        : "the condition ends where a value was expected");
                default:
                    throw Error(t.Span, $"expected an argument, a constant or '(', found '{t.Text}'");
            }
        }

        private void Lex()
        {
            int i = 0;
            while (i < _text.Length)
            {
                char c = _text[i];
                if (char.IsWhiteSpace(c)) { i++; continue; }
                int start = i;
                if (char.IsLetter(c) || c == '_')
                {
                    while (i < _text.Length && (char.IsLetterOrDigit(_text[i]) || _text[i] == '_')) i++;
                    _tokens.Add(new Token(Kind.Ident, _text.Substring(start, i - start), TextSpan.FromBounds(start, i)));
                    continue;
                }
                if (char.IsDigit(c))
                {
                    while (i < _text.Length && (char.IsLetterOrDigit(_text[i]) || _text[i] == '_')) i++;
                    var span = TextSpan.FromBounds(start, i);
                    _tokens.Add(new Token(Kind.Number, _text.Substring(start, i - start), span, ParseNumber(_text.Substring(start, i - start), span)));
                    continue;
                }
                string two = i + 1 < _text.Length ? _text.Substring(i, 2) : "";
                if (two is "||" or "&&" or "==" or "!=" or "<=" or ">=")
                {
                    _tokens.Add(new Token(Kind.Op, two, new TextSpan(i, 2)));
                    i += 2;
                    continue;
                }
                if ("!()<>&|,-".IndexOf(c) >= 0)
                {
                    _tokens.Add(new Token(Kind.Op, c.ToString(), new TextSpan(i, 1)));
                    i++;
                    continue;
                }
                if (c == '=')
                    throw Error(new TextSpan(i, 1), "'=' is not a comparison: write '=='");
                throw Error(new TextSpan(i, 1), $"unexpected character '{c}'");
            }
            _tokens.Add(new Token(Kind.End, "end of condition", new TextSpan(_text.Length, 0)));
        }

        /// <summary>Decimal, 0x hex, 0b binary, or C octal (a leading 0, or 0o); U/L suffixes as in C.</summary>
        private ulong ParseNumber(string s, TextSpan span)
        {
            string body = s.TrimEnd('u', 'U', 'l', 'L');
            int radix = 10;
            string digits = body;
            if (body.StartsWith("0x", System.StringComparison.OrdinalIgnoreCase)) { radix = 16; digits = body.Substring(2); }
            else if (body.StartsWith("0b", System.StringComparison.OrdinalIgnoreCase)) { radix = 2; digits = body.Substring(2); }
            else if (body.StartsWith("0o", System.StringComparison.OrdinalIgnoreCase)) { radix = 8; digits = body.Substring(2); }
            else if (body.Length > 1 && body[0] == '0') { radix = 8; digits = body.Substring(1); }
            digits = digits.Replace("_", "");
            if (digits.Length == 0) throw Error(span, $"'{s}' has no digits");
            ulong value = 0;
            foreach (char ch in digits)
            {
                int d = char.IsDigit(ch) ? ch - '0' : char.IsLetter(ch) ? char.ToLowerInvariant(ch) - 'a' + 10 : 99;
                if (d >= radix)
                    throw Error(span, $"'{s}' is not a number: '{ch}' is not a base-{radix.ToString(CultureInfo.InvariantCulture)} digit");
                ulong next = unchecked(value * (ulong)radix + (ulong)d);
                if (value > (ulong.MaxValue - (ulong)d) / (ulong)radix)
                    throw Error(span, $"'{s}' does not fit in 64 bits");
                value = next;
            }
            return value;
        }
    }
}
