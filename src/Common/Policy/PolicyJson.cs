using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

// Linked into the runtime and the compiler core; internal in both. What PolicyDocument needs of JSON and no more.
#if SECCOMP_COMPILER
namespace Seccomp.Compiler
#else
namespace Seccomp.Common
#endif
{
    /// <summary>
    /// A small JSON writer and reader over plain values: <see cref="string"/>, <see cref="bool"/>, <see cref="long"/>
    /// (integers only: the document has no fractions), <see cref="List{T}"/> of values for an array, a list of
    /// key/value pairs for an object (so that the order written is the order read), and null.
    /// </summary>
    /// <remarks>
    /// Why not System.Text.Json: the generator and the core are netstandard2.0 without it, and the runtime would write
    /// with one library what the tool reads with another. The reader takes its input from another process (the file a
    /// recording install leaves), so it refuses deep nesting instead of recursing without bound.
    /// </remarks>
    internal static class PolicyJson
    {
        private const int MaxDepth = 32;

        public static List<KeyValuePair<string, object?>> Object(params KeyValuePair<string, object?>[] members) => new(members);

        public static string Write(object? value)
        {
            var sb = new StringBuilder();
            Write(sb, value);
            return sb.ToString();
        }

        private static void Write(StringBuilder sb, object? value)
        {
            switch (value)
            {
                case null: sb.Append("null"); break;
                case string s: WriteString(sb, s); break;
                case bool b: sb.Append(b ? "true" : "false"); break;
                case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
                case int i: sb.Append(i.ToString(CultureInfo.InvariantCulture)); break;
                case List<KeyValuePair<string, object?>> o:
                    sb.Append('{');
                    for (int i = 0; i < o.Count; i++)
                    {
                        if (i > 0) sb.Append(',');
                        WriteString(sb, o[i].Key);
                        sb.Append(':');
                        Write(sb, o[i].Value);
                    }
                    sb.Append('}');
                    break;
                case List<object?> a:
                    sb.Append('[');
                    for (int i = 0; i < a.Count; i++)
                    {
                        if (i > 0) sb.Append(',');
                        Write(sb, a[i]);
                    }
                    sb.Append(']');
                    break;
                default:
                    throw new ArgumentException($"not a JSON value: {value.GetType().Name}");
            }
        }

        /// <summary>Quotes and backslashes escaped, control characters as \u00XX, everything else as it is.</summary>
        private static void WriteString(StringBuilder sb, string s)
        {
            sb.Append('"');
            foreach (char c in s)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    default:
                        if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else sb.Append(c);
                        break;
                }
            }
            sb.Append('"');
        }

        public static object? Parse(string text)
        {
            int pos = 0;
            var value = ParseValue(text, ref pos, 0);
            SkipSpace(text, ref pos);
            if (pos != text.Length) throw Error(pos, "text after the value");
            return value;
        }

        private static object? ParseValue(string t, ref int pos, int depth)
        {
            if (depth > MaxDepth) throw Error(pos, "nested too deeply");
            SkipSpace(t, ref pos);
            if (pos >= t.Length) throw Error(pos, "unexpected end");
            char c = t[pos];
            switch (c)
            {
                case '{':
                {
                    pos++;
                    var o = new List<KeyValuePair<string, object?>>();
                    SkipSpace(t, ref pos);
                    if (pos < t.Length && t[pos] == '}') { pos++; return o; }
                    while (true)
                    {
                        SkipSpace(t, ref pos);
                        if (pos >= t.Length || t[pos] != '"') throw Error(pos, "a key expected");
                        string key = ParseString(t, ref pos);
                        foreach (var kv in o)
                            if (kv.Key == key) throw Error(pos, $"key '{key}' twice");
                        SkipSpace(t, ref pos);
                        Expect(t, ref pos, ':');
                        o.Add(new(key, ParseValue(t, ref pos, depth + 1)));
                        SkipSpace(t, ref pos);
                        if (pos < t.Length && t[pos] == ',') { pos++; continue; }
                        Expect(t, ref pos, '}');
                        return o;
                    }
                }
                case '[':
                {
                    pos++;
                    var a = new List<object?>();
                    SkipSpace(t, ref pos);
                    if (pos < t.Length && t[pos] == ']') { pos++; return a; }
                    while (true)
                    {
                        a.Add(ParseValue(t, ref pos, depth + 1));
                        SkipSpace(t, ref pos);
                        if (pos < t.Length && t[pos] == ',') { pos++; continue; }
                        Expect(t, ref pos, ']');
                        return a;
                    }
                }
                case '"':
                    return ParseString(t, ref pos);
                default:
                    if (Word(t, ref pos, "true")) return true;
                    if (Word(t, ref pos, "false")) return false;
                    if (Word(t, ref pos, "null")) return null;
                    return ParseInteger(t, ref pos);
            }
        }

        private static long ParseInteger(string t, ref int pos)
        {
            int start = pos;
            if (pos < t.Length && t[pos] == '-') pos++;
            int digits = pos;
            while (pos < t.Length && t[pos] >= '0' && t[pos] <= '9') pos++;
            if (pos == digits) throw Error(start, "a value expected");
            if (pos < t.Length && (t[pos] == '.' || t[pos] == 'e' || t[pos] == 'E')) throw Error(pos, "only integers are expected");
            if (pos - digits > 1 && t[digits] == '0') throw Error(start, "a number with a leading zero");
            if (!long.TryParse(t.Substring(start, pos - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
                throw Error(start, "a number out of range");
            return value;
        }

        private static string ParseString(string t, ref int pos)
        {
            pos++; // the opening quote
            var sb = new StringBuilder();
            while (true)
            {
                if (pos >= t.Length) throw Error(pos, "an unterminated string");
                char c = t[pos++];
                if (c == '"') return sb.ToString();
                if (c < 0x20) throw Error(pos - 1, "a control character in a string");
                if (c != '\\') { sb.Append(c); continue; }
                if (pos >= t.Length) throw Error(pos, "an unterminated escape");
                char e = t[pos++];
                switch (e)
                {
                    case '"': sb.Append('"'); break;
                    case '\\': sb.Append('\\'); break;
                    case '/': sb.Append('/'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'u':
                        if (pos + 4 > t.Length || !int.TryParse(t.Substring(pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int u))
                            throw Error(pos, "a bad \\u escape");
                        sb.Append((char)u);
                        pos += 4;
                        break;
                    default:
                        throw Error(pos - 1, $"an unknown escape \\{e}");
                }
            }
        }

        private static bool Word(string t, ref int pos, string word)
        {
            if (string.CompareOrdinal(t, pos, word, 0, word.Length) != 0) return false;
            pos += word.Length;
            return true;
        }

        private static void Expect(string t, ref int pos, char c)
        {
            if (pos >= t.Length || t[pos] != c) throw Error(pos, $"'{c}' expected");
            pos++;
        }

        private static void SkipSpace(string t, ref int pos)
        {
            while (pos < t.Length && (t[pos] == ' ' || t[pos] == '\t' || t[pos] == '\n' || t[pos] == '\r')) pos++;
        }

        private static FormatException Error(int pos, string what) => new($"not valid JSON at offset {pos}: {what}");

        // --- typed access, each failure a FormatException that says what was expected ------------------------------

        public static object? Get(List<KeyValuePair<string, object?>> o, string key)
        {
            foreach (var kv in o)
                if (kv.Key == key) return kv.Value;
            return null;
        }

        public static List<KeyValuePair<string, object?>> AsObject(object? value, string what) =>
            value as List<KeyValuePair<string, object?>> ?? throw new FormatException($"{what}: an object expected");

        public static List<object?> AsArray(object? value, string what) =>
            value as List<object?> ?? throw new FormatException($"{what}: an array expected");

        public static string AsString(object? value, string what) =>
            value as string ?? throw new FormatException($"{what}: a string expected");

        public static bool AsBool(object? value, string what) =>
            value as bool? ?? throw new FormatException($"{what}: true or false expected");

        public static int AsInt(object? value, string what) =>
            value is long l && l >= int.MinValue && l <= int.MaxValue ? (int)l : throw new FormatException($"{what}: an integer expected");
    }
}
