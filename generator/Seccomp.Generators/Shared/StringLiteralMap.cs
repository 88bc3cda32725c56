using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Seccomp.Generators
{
    /// <summary>
    /// Maps each character of a string literal's value back to the source characters that wrote it, through escapes
    /// (<c>\x41</c>, <c>\u0041</c>), verbatim doubling (<c>""</c>) and raw-string indentation, so that a diagnostic
    /// about characters 5..8 of a condition lands on exactly those characters in the editor.
    /// </summary>
    internal sealed class StringLiteralMap
    {
        private readonly List<TextSpan> _chars;
        private readonly int _endOfValue;

        private StringLiteralMap(List<TextSpan> chars, int endOfValue)
        {
            _chars = chars;
            _endOfValue = endOfValue;
        }

        /// <summary>Builds the map, or returns null when the token is not a literal whose text can be followed.</summary>
        public static StringLiteralMap? Create(SyntaxToken token)
        {
            string text = token.Text;
            int start = token.SpanStart;
            var map = token.Kind() switch
            {
                SyntaxKind.StringLiteralToken when text.StartsWith("@", System.StringComparison.Ordinal) => Verbatim(text, start),
                SyntaxKind.StringLiteralToken => Regular(text, start),
                SyntaxKind.SingleLineRawStringLiteralToken => SingleLineRaw(text, start),
                SyntaxKind.MultiLineRawStringLiteralToken => MultiLineRaw(text, start),
                _ => null,
            };
            // A map that does not rebuild the value exactly is worse than none: fall back to the whole literal.
            if (map == null || map._chars.Count != token.ValueText.Length) return null;
            return map;
        }

        /// <summary>The source span of characters [start, start + length) of the value.</summary>
        public TextSpan Map(int start, int length)
        {
            if (_chars.Count == 0 || start >= _chars.Count) return new TextSpan(_endOfValue, 0);
            int first = _chars[start].Start;
            if (length <= 0) return new TextSpan(first, 0);
            int lastIndex = System.Math.Min(start + length, _chars.Count) - 1;
            return TextSpan.FromBounds(first, _chars[lastIndex].End);
        }

        private static StringLiteralMap? Regular(string text, int start)
        {
            var chars = new List<TextSpan>();
            int i = 1, end = text.Length - 1;
            if (end < 1 || text[end] != '"') return null;
            while (i < end)
            {
                int from = i;
                if (text[i] != '\\')
                {
                    chars.Add(new TextSpan(start + i, 1));
                    i++;
                    continue;
                }
                if (i + 1 >= end) return null;
                char e = text[i + 1];
                switch (e)
                {
                    case 'x':
                    {
                        int j = i + 2;
                        while (j < end && j < i + 6 && System.Uri.IsHexDigit(text[j])) j++;
                        if (j == i + 2) return null;
                        i = j;
                        chars.Add(TextSpan.FromBounds(start + from, start + i));
                        break;
                    }
                    case 'u':
                        i += 6;
                        chars.Add(TextSpan.FromBounds(start + from, start + i));
                        break;
                    case 'U':
                    {
                        // A malformed escape is already a compiler error (CS1009); give up rather than guess.
                        if (from + 10 > end || !uint.TryParse(text.Substring(from + 2, 8), System.Globalization.NumberStyles.HexNumber, null, out uint cp))
                            return null;
                        i += 10;
                        var span = TextSpan.FromBounds(start + from, start + i);
                        chars.Add(span);
                        if (cp > 0xFFFF) chars.Add(span); // a surrogate pair: two chars from one escape
                        break;
                    }
                    default:
                        i += 2;
                        chars.Add(TextSpan.FromBounds(start + from, start + i));
                        break;
                }
            }
            return new StringLiteralMap(chars, start + end);
        }

        private static StringLiteralMap? Verbatim(string text, int start)
        {
            var chars = new List<TextSpan>();
            int i = 2, end = text.Length - 1;
            while (i < end)
            {
                if (text[i] == '"' && i + 1 < end && text[i + 1] == '"')
                {
                    chars.Add(new TextSpan(start + i, 2));
                    i += 2;
                }
                else
                {
                    chars.Add(new TextSpan(start + i, 1));
                    i++;
                }
            }
            return new StringLiteralMap(chars, start + end);
        }

        private static StringLiteralMap? SingleLineRaw(string text, int start)
        {
            int quotes = 0;
            while (quotes < text.Length && text[quotes] == '"') quotes++;
            var chars = new List<TextSpan>();
            for (int i = quotes; i < text.Length - quotes; i++)
                chars.Add(new TextSpan(start + i, 1));
            return new StringLiteralMap(chars, start + text.Length - quotes);
        }

        private static StringLiteralMap? MultiLineRaw(string text, int start)
        {
            int quotes = 0;
            while (quotes < text.Length && text[quotes] == '"') quotes++;
            // The closing line's whitespace is the indentation removed from every content line.
            int closeQuotes = text.Length - quotes;
            int closeLineStart = text.LastIndexOf('\n', closeQuotes - 1) + 1;
            int indent = closeQuotes - closeLineStart;

            int firstLine = text.IndexOf('\n', quotes) + 1;
            // The newline before the closing line is not part of the value.
            int contentEnd = closeLineStart - 1;
            if (contentEnd > 0 && text[contentEnd - 1] == '\r') contentEnd--;

            var chars = new List<TextSpan>();
            int i = firstLine;
            while (i < contentEnd)
            {
                int lineEnd = text.IndexOf('\n', i);
                if (lineEnd < 0 || lineEnd > contentEnd) lineEnd = contentEnd;
                int contentStart = System.Math.Min(i + indent, lineEnd);
                // A whitespace-only line contributes nothing but its line break (CRLF: both characters).
                int breakStart = lineEnd > i && lineEnd < text.Length && text[lineEnd] == '\n' && text[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
                if (text.Substring(i, breakStart - i).Trim(' ', '\t').Length == 0) contentStart = breakStart;
                for (int j = contentStart; j < lineEnd; j++)
                    chars.Add(new TextSpan(start + j, 1));
                if (lineEnd < contentEnd)
                    chars.Add(new TextSpan(start + lineEnd, 1));
                i = lineEnd + 1;
            }
            return new StringLiteralMap(chars, start + contentEnd);
        }
    }
}
