using System;
using System.Collections.Generic;
using System.Linq;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Diagnostics;
using Seccomp.Compiler.Policy;

namespace Seccomp.Compiler.Analysis
{
    /// <summary>
    /// Equality on a flag argument (<see cref="FlagArguments"/>) where it can be bypassed: a denying rule that matches
    /// <c>prot == (PROT_READ | PROT_WRITE | PROT_EXEC)</c> (or <c>in</c>) does not match the same call with one more bit
    /// set, which the kernel may ignore (mmap maps prot 0x10000000007 read-write-execute); an allowing rule with
    /// <c>!=</c> lets that call through. Under a <c>!</c> the roles swap. The mask form tests the bits instead:
    /// <list type="bullet">
    /// <item><c>x == X</c> becomes <c>(x &amp; X) == X</c> (all of X's bits set, whatever else is), and <c>x != X</c>
    /// becomes <c>(x &amp; X) != X</c>: in the flagged direction it matches every call the old form did and the same
    /// calls with more flags, so a denying rule denies more and an allowing rule allows less: never weaker.</item>
    /// <item>where X is only a value field of the argument (socket's <c>type == SOCK_RAW</c>), <c>(x &amp; V) == X</c>
    /// for the field's mask V (<c>(type &amp; 0xf) == SOCK_RAW</c>).</item>
    /// <item><c>x in (A, B)</c> becomes <c>((x &amp; A) == A || (x &amp; B) == B)</c>, or <c>(x &amp; V) in (A, B)</c> for values.</item>
    /// </list>
    /// No fix where X mixes flags and a non-zero value (clone_flags == CLONE_NEWUSER | SIGCHLD), where X is 0 in a pure
    /// flag set (nothing to mask with; then there is no finding either: equality with "no flag" is not widened by a
    /// flag), or where the forms differ between the rule's syscalls.
    /// </summary>
    internal static class FlagComparisons
    {
        private sealed class Site
        {
            public Site(TextSpan span) => Span = span;
            public TextSpan Span { get; }
            public List<string> Syscalls { get; } = new();
            public HashSet<string?> Fixes { get; } = new();
            public string Argument = "";
            public bool Equality;
        }

        public static List<PolicyDiagnostic> Find(PolicyModel policy, ConditionBindings bindings)
        {
            var result = new List<PolicyDiagnostic>();
            var archs = policy.Architectures.Distinct().Select(ArchInfo.Get).ToList();
            foreach (var rule in policy.Rules)
            {
                if (rule.When == null) continue;
                bool denying = PolicyAnalysis.IsDenying(rule.Action.Action);
                bool allowing = rule.Action.Action is SeccompAction.Allow or SeccompAction.Log;
                if (!denying && !allowing) continue;
                var expr = bindings.Parse(rule.When, out _);
                if (expr == null) continue;
                var ins = new List<InExpr>();
                var comparisons = new List<BinaryExpr>();
                Collect(expr, ins, comparisons);

                var sites = new Dictionary<TextSpan, Site>();
                var order = new List<TextSpan>();
                foreach (var arch in archs)
                    foreach (var (name, _) in PolicyResolver.Expand(rule, arch))
                    {
                        var bound = bindings.Bind(rule.When, name, arch);
                        if (bound.Condition == null) continue;
                        var leaves = new List<(CompareCondition Leaf, bool Positive)>();
                        Leaves(bound.Condition, true, leaves);
                        var perSite = new Dictionary<TextSpan, (Site Site, List<CompareCondition> Leaves, FlagArguments.Row Row, InExpr? In, BinaryExpr? Cmp)>();
                        foreach (var (leaf, positive) in leaves)
                        {
                            if (leaf.Op is not (CompareOp.Eq or CompareOp.Ne) || leaf.IsMasked) continue;
                            if (FlagArguments.Find(name, leaf.Arg) is not { } row) continue;
                            bool effectiveEq = (leaf.Op == CompareOp.Eq) == positive;
                            if (!(denying && effectiveEq) && !(allowing && !effectiveEq)) continue;
                            if (leaf.Value == 0 && row.ValueMask == 0) continue;
                            if (!bound.Spans.TryGetOperands(leaf, out var argSpan, out var valueSpan)) continue;
                            var inExpr = ins.FirstOrDefault(i => i.Operand.Span == argSpan && i.Items.Any(x => x.Span == valueSpan));
                            var cmp = inExpr == null
                                ? comparisons.FirstOrDefault(b => (b.Left.Span == argSpan && b.Right.Span == valueSpan) || (b.Right.Span == argSpan && b.Left.Span == valueSpan))
                                : null;
                            if (inExpr == null && cmp == null) continue;
                            var span = inExpr?.Span ?? cmp!.Span;
                            if (!sites.TryGetValue(span, out var site))
                            {
                                sites[span] = site = new Site(span)
                                {
                                    Argument = rule.When.Substring(argSpan.Start, argSpan.Length).Trim(),
                                    Equality = effectiveEq,
                                };
                                order.Add(span);
                            }
                            if (!perSite.TryGetValue(span, out var entry))
                                perSite[span] = entry = (site, new List<CompareCondition>(), row, inExpr, cmp);
                            entry.Leaves.Add(leaf);
                        }
                        foreach (var (site, siteLeaves, row, inExpr, cmp) in perSite.Values)
                        {
                            if (!site.Syscalls.Contains(name)) site.Syscalls.Add(name);
                            site.Fixes.Add(MaskForm(rule.When, bound.Spans, siteLeaves, row, inExpr, cmp));
                        }
                    }

                foreach (var span in order)
                {
                    var site = sites[span];
                    string text = rule.When.Substring(span.Start, span.Length);
                    string? fix = site.Fixes.Count == 1 ? site.Fixes.First() : null;
                    string syscalls = PolicyText.List(site.Syscalls);
                    string why = site.Equality
                        ? $"tests the flags '{site.Argument}' of {syscalls} for equality, so the same call with one more flag set (one the kernel ignores, "
                          + "or one that changes nothing that matters) does not match, and the rule does not stop it"
                        : $"excludes exact values of the flags '{site.Argument}' of {syscalls}, so the excluded flags with one more flag set (one the kernel "
                          + "ignores, or one that changes nothing that matters) still match, and the rule lets them through";
                    string advice = fix != null ? $"; test the bits with a mask: '{fix}'" : $"; test the bits with a mask, e.g. '({site.Argument} & BITS) == BITS'";
                    result.Add(new PolicyDiagnostic(DiagnosticIds.FlagEquality, $"{PolicyText.Rule(rule)}: '{text}' {why}{advice}",
                        new PolicyLocation(rule.Index, LocationSite.Condition, Start: span.Start, Length: span.Length),
                        Suggestion: fix, Fix: fix != null ? FixKinds.MaskForm : null));
                }
            }
            return result;
        }

        private static void Collect(Expr e, List<InExpr> ins, List<BinaryExpr> comparisons)
        {
            // Iterative: a condition may nest deeply.
            var stack = new Stack<Expr>();
            stack.Push(e);
            while (stack.Count > 0)
            {
                switch (stack.Pop())
                {
                    case InExpr i: ins.Add(i); break;
                    case BinaryExpr { Op: "==" or "!=" } b: comparisons.Add(b); break;
                    case BinaryExpr b: stack.Push(b.Left); stack.Push(b.Right); break;
                    case NotExpr n: stack.Push(n.Operand); break;
                    case ParenExpr p: stack.Push(p.Inner); break;
                }
            }
        }

        private static void Leaves(Condition c, bool positive, List<(CompareCondition, bool)> leaves)
        {
            var stack = new Stack<(Condition, bool)>();
            stack.Push((c, positive));
            while (stack.Count > 0)
            {
                var (node, pos) = stack.Pop();
                switch (node)
                {
                    case AndCondition a: stack.Push((a.Right, pos)); stack.Push((a.Left, pos)); break;
                    case OrCondition o: stack.Push((o.Right, pos)); stack.Push((o.Left, pos)); break;
                    case NotCondition n: stack.Push((n.Operand, !pos)); break;
                    case CompareCondition leaf: leaves.Add((leaf, pos)); break;
                }
            }
        }

        /// <summary>The mask form of one flagged comparison or 'in' list, or null when there is no sound one to write.</summary>
        private static string? MaskForm(string when, ConditionSpans spans, List<CompareCondition> leaves, FlagArguments.Row row,
            InExpr? inExpr, BinaryExpr? cmp)
        {
            string Text(TextSpan s) => when.Substring(s.Start, s.Length).Trim();
            if (cmp != null)
            {
                var leaf = leaves[0];
                if (!spans.TryGetOperands(leaf, out var argSpan, out var valueSpan)) return null;
                return One(Text(argSpan), cmp.Op, leaf.Value, Text(valueSpan), row);
            }
            if (inExpr == null) return null;
            string arg = Text(inExpr.Operand.Span);
            var items = new List<(string Text, ulong Value)>();
            foreach (var item in inExpr.Items)
            {
                var leaf = leaves.FirstOrDefault(l => spans.TryGetOperands(l, out _, out var v) && v == item.Span);
                if (leaf == null) return null;
                items.Add((Text(item.Span), leaf.Value));
            }
            // Values of the value field only: mask the field once and keep the list.
            if (row.ValueMask != 0 && row.ValueMaskText != null && items.All(i => (i.Value & ~row.ValueMask) == 0))
                return $"({Bare(arg)} & {row.ValueMaskText}) in ({string.Join(", ", items.Select(i => i.Text))})";
            var forms = items.Select(i => One(arg, "==", i.Value, i.Text, row)).ToList();
            if (forms.Any(f => f == null)) return null;
            return forms.Count == 1 ? forms[0] : "(" + string.Join(" || ", forms) + ")";
        }

        private static string? One(string arg, string op, ulong value, string valueText, FlagArguments.Row row)
        {
            ulong flags = value & ~row.ValueMask, field = value & row.ValueMask;
            string v = Grouped(valueText);
            if (flags != 0 && field == 0) return $"({Bare(arg)} & {v}) {op} {v}";
            if (flags == 0 && row.ValueMask != 0 && row.ValueMaskText != null) return $"({Bare(arg)} & {row.ValueMaskText}) {op} {v}";
            return null;
        }

        /// <summary>An operand of '&amp;' as written, in parentheses unless it is one name or number or already parenthesized.</summary>
        private static string Grouped(string text)
        {
            if (text.All(c => char.IsLetterOrDigit(c) || c == '_')) return text;
            if (text.StartsWith("(", StringComparison.Ordinal) && text.EndsWith(")", StringComparison.Ordinal))
            {
                int depth = 0;
                for (int i = 0; i < text.Length; i++)
                {
                    depth += text[i] == '(' ? 1 : text[i] == ')' ? -1 : 0;
                    if (depth == 0 && i < text.Length - 1) return "(" + text + ")";
                }
                return text;
            }
            return "(" + text + ")";
        }

        /// <summary>The argument's name without the parentheses around it.</summary>
        private static string Bare(string arg)
        {
            while (arg.Length > 2 && arg[0] == '(' && arg[arg.Length - 1] == ')' && Grouped(arg) == arg) arg = arg.Substring(1, arg.Length - 2).Trim();
            return arg;
        }
    }
}
