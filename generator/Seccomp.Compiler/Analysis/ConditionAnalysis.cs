using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Seccomp.Compiler.Conditions;

namespace Seccomp.Compiler.Analysis
{
    /// <summary>
    /// Finds the parts of a bound condition that are constant, on the exact satisfying sets of
    /// <see cref="ArgumentSets"/>, and says why in terms of the values: "'fd' cannot be both 1 and 2".
    /// </summary>
    internal sealed class ConditionAnalysis
    {
        private readonly ArgumentSets _sets;
        private readonly ConditionSpans _spans;
        private readonly string _text;
        private readonly IReadOnlyList<Parameter>? _parameters;
        private readonly Dictionary<Condition, int> _setOf = new(new Identity());

        private ConditionAnalysis(ArgumentSets sets, ConditionSpans spans, string text, IReadOnlyList<Parameter>? parameters)
        {
            _sets = sets;
            _spans = spans;
            _text = text;
            _parameters = parameters;
        }

        /// <summary>
        /// The largest constant parts of <paramref name="root"/>: the whole condition when it is constant, otherwise every
        /// constant sub-expression whose enclosing expressions are not. <paramref name="text"/> is the condition's text,
        /// <paramref name="spans"/> where its nodes were written, <paramref name="parameters"/> the syscall's prototype.
        /// </summary>
        public static List<ConstantPart> Find(ArgumentSets sets, Condition root, ConditionSpans spans, string text,
            IReadOnlyList<Parameter>? parameters)
        {
            var a = new ConditionAnalysis(sets, spans, text, parameters);
            var parts = new List<ConstantPart>();
            a.Visit(root, true, parts);
            return parts;
        }

        private int Set(Condition c)
        {
            if (_setOf.TryGetValue(c, out int s)) return s;
            s = c switch
            {
                AndCondition x => _sets.And(Set(x.Left), Set(x.Right)),
                OrCondition x => _sets.Or(Set(x.Left), Set(x.Right)),
                NotCondition x => _sets.Not(Set(x.Operand)),
                _ => _sets.Of(c),
            };
            _setOf[c] = s;
            return s;
        }

        private void Visit(Condition c, bool isRoot, List<ConstantPart> parts)
        {
            int s = Set(c);
            if ((s == ArgumentSets.False || s == ArgumentSets.True) && _spans.TryGetSpan(c, out var span))
            {
                bool value = s == ArgumentSets.True;
                parts.Add(new ConstantPart(span, value, isRoot, Reason(c, value)));
                return;
            }
            switch (c)
            {
                case AndCondition a: Visit(a.Left, false, parts); Visit(a.Right, false, parts); break;
                case OrCondition o: Visit(o.Left, false, parts); Visit(o.Right, false, parts); break;
                case NotCondition n: Visit(n.Operand, false, parts); break;
            }
        }

        private string TextOf(TextSpan span) =>
            span.Start >= 0 && span.End <= _text.Length ? _text.Substring(span.Start, span.Length).Trim() : "";

        private string Quote(Condition c) => _spans.TryGetSpan(c, out var s) ? "'" + TextOf(s) + "'" : "a part of it";

        /// <summary>Why <paramref name="c"/> (a constant node) always has <paramref name="value"/>.</summary>
        private string Reason(Condition c, bool value)
        {
            switch (c)
            {
                case CompareCondition cmp:
                    return AtomReason(cmp, value);
                case NotCondition n:
                    return Reason(n.Operand, !value);
                case AndCondition when !value:
                {
                    var core = Minimal(Flatten<AndCondition>(c), ArgumentSets.True, _sets.And, ArgumentSets.False);
                    if (core.Count == 1) return Reason(core[0], false);
                    var same = SameValue(core);
                    if (same != null)
                        return $"'{same.Value.Arg}' cannot be " + (core.Count == 2
                            ? $"both {same.Value.Phrases[0]} and {same.Value.Phrases[1]}"
                            : PolicyText.List(same.Value.Phrases) + " at once");
                    return core.Count == 2
                        ? $"{Quote(core[0])} and {Quote(core[1])} exclude each other"
                        : $"{PolicyText.List(core.Select(Quote))} cannot all hold";
                }
                case OrCondition when value:
                {
                    var cover = Minimal(Flatten<OrCondition>(c), ArgumentSets.False, _sets.Or, ArgumentSets.True);
                    if (cover.Count == 1) return Reason(cover[0], true);
                    var same = SameValue(cover);
                    if (same != null)
                        return $"every value of '{same.Value.Arg}' is {PolicyText.List(same.Value.Phrases, "or")}";
                    return $"{PolicyText.List(cover.Select(Quote), "or")} holds for every call";
                }
                case AndCondition:
                {
                    var all = Flatten<AndCondition>(c);
                    return $"{PolicyText.List(all.Select(Quote))} are all always true ({Reason(all[0], true)})";
                }
                case OrCondition:
                {
                    var all = Flatten<OrCondition>(c);
                    return $"none of {PolicyText.List(all.Select(Quote), "or")} can hold ({Reason(all[0], false)})";
                }
                default:
                    return value ? "it holds for every call" : "it holds for no call";
            }
        }

        private static List<Condition> Flatten<T>(Condition c) where T : Condition
        {
            var result = new List<Condition>();
            void Walk(Condition x)
            {
                if (x is T)
                {
                    var (l, r) = x switch
                    {
                        AndCondition a => (a.Left, a.Right),
                        OrCondition o => (o.Left, o.Right),
                        _ => throw new InvalidOperationException(),
                    };
                    Walk(l);
                    Walk(r);
                }
                else result.Add(x);
            }
            Walk(c);
            return result;
        }

        /// <summary>
        /// A smallest-by-deletion subset of <paramref name="items"/> whose combination is still <paramref name="target"/>
        /// (an unsatisfiable core of a conjunction, or a covering subset of a disjunction).
        /// </summary>
        private List<Condition> Minimal(List<Condition> items, int unit, Func<int, int, int> combine, int target)
        {
            var kept = new List<Condition>(items);
            for (int i = 0; i < kept.Count && kept.Count > 1;)
            {
                int acc = unit;
                for (int j = 0; j < kept.Count; j++)
                    if (j != i) acc = combine(acc, Set(kept[j]));
                if (acc == target) kept.RemoveAt(i);
                else i++;
            }
            return kept;
        }

        /// <summary>When every item constrains the same (masked) argument: its text and a phrase per item.</summary>
        private (string Arg, List<string> Phrases)? SameValue(List<Condition> items)
        {
            (int Arg, ulong Mask)? key = null;
            string? arg = null;
            var phrases = new List<string>();
            foreach (var item in items)
            {
                var p = Phrase(item);
                if (p == null) return null;
                if (key == null) { key = p.Value.Key; arg = p.Value.ArgText; }
                else if (key != p.Value.Key) return null;
                phrases.Add(p.Value.Text);
            }
            return arg == null ? null : (arg, phrases);
        }

        /// <summary>A comparison (or an 'in' list) as a phrase about its argument: "1", "below 5", "one of (A, B)".</summary>
        private ((int, ulong) Key, string ArgText, string Text)? Phrase(Condition c)
        {
            if (c is CompareCondition cmp && _spans.TryGetOperands(cmp, out var argSpan, out var valueSpan))
            {
                if (argSpan == valueSpan) // 'x & MASK' as a condition: any bit set
                    return ((cmp.Arg, cmp.Mask), TextOf(argSpan), "nonzero");
                string v = TextOf(valueSpan);
                string text = cmp.Op switch
                {
                    CompareOp.Eq => v,
                    CompareOp.Ne => "other than " + v,
                    CompareOp.Lt => "below " + v,
                    CompareOp.Le => "at most " + v,
                    CompareOp.Gt => "above " + v,
                    _ => "at least " + v,
                };
                return ((cmp.Arg, cmp.Mask), StripParens(TextOf(argSpan)), text);
            }
            if (c is OrCondition)
            {
                var leaves = Flatten<OrCondition>(c);
                (int, ulong)? key = null;
                string? arg = null;
                var values = new List<string>();
                foreach (var leaf in leaves)
                {
                    if (leaf is not CompareCondition { Op: CompareOp.Eq } eq || !_spans.TryGetOperands(eq, out var a, out var v)) return null;
                    if (key == null) { key = (eq.Arg, eq.Mask); arg = StripParens(TextOf(a)); }
                    else if (key != (eq.Arg, eq.Mask)) return null;
                    values.Add(TextOf(v));
                }
                return key == null ? null : (key.Value, arg!, "one of (" + string.Join(", ", values) + ")");
            }
            return null;
        }

        private static string StripParens(string s)
        {
            while (s.Length > 1 && s[0] == '(' && s[s.Length - 1] == ')' && Balanced(s.Substring(1, s.Length - 2)))
                s = s.Substring(1, s.Length - 2).Trim();
            return s;
        }

        private static bool Balanced(string s)
        {
            int depth = 0;
            foreach (char ch in s)
            {
                if (ch == '(') depth++;
                else if (ch == ')' && --depth < 0) return false;
            }
            return depth == 0;
        }

        private string Declaration(CompareCondition c)
        {
            var p = _parameters != null && c.Arg < _parameters.Count ? _parameters[c.Arg] : null;
            return p != null ? $"{p.Type.CType} {p.Name}" : $"{c.Type.CType} arg{c.Arg}";
        }

        private static string Range(ArgType t) => (t.Bits, t.Signed) switch
        {
            (32, true) => "-2147483648..2147483647",
            (32, false) => "0..0xffffffff",
            (64, true) => "-9223372036854775808..9223372036854775807",
            (< 64, _) => "0..0x" + t.WidthMask.ToString("x", System.Globalization.CultureInfo.InvariantCulture),
            _ => "0..0xffffffffffffffff",
        };

        private string AtomReason(CompareCondition c, bool value)
        {
            string verb = value ? "every" : "no";
            _spans.TryGetOperands(c, out var argSpan, out var valueSpan);
            if (!c.IsMasked && !c.Type.Signed && c.Value == 0 && (c.Op == CompareOp.Lt || c.Op == CompareOp.Ge))
                return $"'{Declaration(c)}' is unsigned, never below 0";
            if (c.IsMasked)
            {
                string masked = argSpan == valueSpan ? TextOf(argSpan) : StripParens(TextOf(argSpan));
                if ((c.Op == CompareOp.Eq || c.Op == CompareOp.Ne) && (c.Value & ~c.Mask) != 0)
                    return $"'{masked}' has no bits outside {PolicyText.Hex(c.Mask)}, and {TextOf(valueSpan)} ({PolicyText.Hex(c.Value)}) has";
                if (c.Mask == 0)
                    return $"'{masked}' is always 0";
                return $"{verb} value of '{masked}' satisfies it";
            }
            return $"{verb} value of '{Declaration(c)}' ({Range(c.Type)}) satisfies it";
        }

        private sealed class Identity : IEqualityComparer<Condition>
        {
            public bool Equals(Condition? x, Condition? y) => ReferenceEquals(x, y);
            public int GetHashCode(Condition obj) => RuntimeHelpers.GetHashCode(obj);
        }
    }
}
