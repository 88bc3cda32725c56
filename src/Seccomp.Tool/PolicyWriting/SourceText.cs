// Text from recordings is untrusted: a name or a command line holding a line break would end the `//` comment it is
// written into, and whatever follows would be compiled into the user's policy class. Every piece of text the tool
// writes into C# (or into a one-line message) goes through here.

using System.Globalization;
using System.Text;

namespace Seccomp.Tool;

internal static class SourceText
{
    /// <summary>
    /// <paramref name="text"/> as one line that cannot leave a <c>//</c> comment, nor hide anything from a reviewer:
    /// line breaks (\n, \r, U+0085, U+2028, U+2029), every other control or format character (bidi overrides, zero
    /// widths), unpaired surrogates, unassigned and private-use code points are written as escapes (\n, \u2028,
    /// \U000e0001); backslash and quote are escaped so an escape in the output always means one in the input, and
    /// <c>*/</c> is broken up so the text cannot close a block comment either.
    /// </summary>
    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '\\': sb.Append("\\\\"); continue;
                case '"': sb.Append("\\\""); continue;
                case '\n': sb.Append("\\n"); continue;
                case '\r': sb.Append("\\r"); continue;
                case '\t': sb.Append("\\t"); continue;
                case '/' when i > 0 && text[i - 1] == '*': sb.Append("\\/"); continue;
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                int cp = char.ConvertToUtf32(c, text[i + 1]);
                if (Hidden(CharUnicodeInfo.GetUnicodeCategory(cp))) sb.Append("\\U").Append(cp.ToString("x8", CultureInfo.InvariantCulture));
                else sb.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }
            if (Hidden(CharUnicodeInfo.GetUnicodeCategory(c))) AppendU(sb, c);
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>
    /// <paramref name="value"/> as a C# regular string literal, quotes included. The names the tool puts into attribute
    /// arguments are validated against the syscall tables before they get here; this is the second line of defence.
    /// </summary>
    public static string Literal(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            if (c == '\\') sb.Append("\\\\");
            else if (c == '"') sb.Append("\\\"");
            else if (c < 0x20 || c == 0x7f || char.IsSurrogate(c) || Hidden(CharUnicodeInfo.GetUnicodeCategory(c))) AppendU(sb, c);
            else sb.Append(c);
        }
        return sb.Append('"').ToString();
    }

    /// <summary>A `//` comment line: indentation, the escaped text, a newline.</summary>
    public static void AppendComment(StringBuilder sb, string indent, string text) =>
        sb.Append(indent).Append("// ").Append(Escape(text)).Append('\n');

    /// <summary>The characters a reader cannot see, or that C# reads as a line break (Zl, Zp; U+0085 is Cc).</summary>
    private static bool Hidden(UnicodeCategory category) => category is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate
        or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;

    private static void AppendU(StringBuilder sb, char c) => sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
}
