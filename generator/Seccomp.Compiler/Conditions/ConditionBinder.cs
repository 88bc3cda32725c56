using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Seccomp.Compiler.Diagnostics;
using Seccomp.Compiler.Tables;

namespace Seccomp.Compiler.Conditions
{
    /// <summary>
    /// The binder of the condition language: a parsed condition to one syscall on one architecture: argument names become argument slots with their
    /// C types, constants become that architecture's values, and every value is checked against the type it is
    /// compared with.
    /// </summary>
    internal static class ConditionBinder
    {
        public static Condition? Bind(string when, string syscall, ArchInfo arch, out List<ConditionProblem> problems)
        {
            var expr = ConditionParser.Parse(when, out var syntax);
            if (syntax != null)
            {
                problems = new List<ConditionProblem> { syntax };
                return null;
            }
            return Bind(expr!, syscall, arch, out problems);
        }

        public static Condition? Bind(Expr expr, string syscall, ArchInfo arch, out List<ConditionProblem> problems) =>
            Bind(expr, syscall, arch, out problems, null);

        /// <summary>
        /// Binds and, when <paramref name="spans"/> is given, records where in the condition text each bound node and
        /// each comparison's operands were written (for the analyzers' messages and locations).
        /// </summary>
        public static Condition? Bind(Expr expr, string syscall, ArchInfo arch, out List<ConditionProblem> problems, ConditionSpans? spans) =>
            Bind(expr, syscall, arch, out problems, spans, out _);

        /// <summary>As above, with the warnings that do not stop binding (<see cref="DiagnosticIds.PositionalArgument"/>).</summary>
        public static Condition? Bind(Expr expr, string syscall, ArchInfo arch, out List<ConditionProblem> problems, ConditionSpans? spans,
            out List<ConditionProblem> warnings)
        {
            var binder = new Binder(syscall, arch, spans);
            var result = binder.BindBool(expr);
            problems = binder.Problems;
            warnings = binder.Warnings;
            return problems.Count == 0 ? result : null;
        }

        /// <summary>A 64-bit two's complement value and whether it is mathematically negative.</summary>
        private readonly record struct Num(ulong Bits, bool Negative, bool SelfPid = false)
        {
            public string Show() => Negative
                ? ((long)Bits).ToString(CultureInfo.InvariantCulture)
                : (Bits < 10 ? Bits.ToString(CultureInfo.InvariantCulture) : "0x" + Bits.ToString("x", CultureInfo.InvariantCulture));
        }

        /// <summary>The result of binding a value expression: a constant or an argument, possibly masked.</summary>
        private sealed record Value(Num? Constant, Parameter? Arg, Num? Mask);

        private sealed class Binder
        {
            private readonly string _syscall;
            private readonly ArchInfo _arch;
            private readonly IReadOnlyList<Parameter>? _params;
            public readonly List<ConditionProblem> Problems = new();

            /// <summary>Findings that do not stop the condition from binding (argN on prctl...).</summary>
            public readonly List<ConditionProblem> Warnings = new();

            private readonly ConditionSpans? _spans;

            public Binder(string syscall, ArchInfo arch, ConditionSpans? spans = null)
            {
                _spans = spans;
                _syscall = syscall;
                _arch = arch;
                _params = Signatures.Get(syscall, arch.Arch);
            }

            /// <summary>
            /// On a syscall whose prototype names a parameter argK that is not slot K (prctl, keyctl, arch_prctl), every
            /// argN is a warning that says which slot it reads and what the prototype calls that slot.
            /// </summary>
            private void WarnPositional(NameExpr n, int index)
            {
                if (_params == null || !Signatures.HasMisleadingArgNames(_params)) return;
                string message = $"'{n.Name}' is register slot {index}, which {_syscall}'s prototype calls '{_params[index].Name}'";
                foreach (var p in _params)
                    if (p.Name == n.Name && p.Index != index)
                        message += $"; slot {p.Index} is '{p.Name}' in the prototype, write 'arg{p.Index}' for it";
                message += "; argN always means slot N, as libseccomp's SCMP_AN does";
                Warnings.Add(new ConditionProblem(DiagnosticIds.PositionalArgument, message, n.Span));
            }

            private Condition Fail(string id, TextSpan span, string message, string? suggestion = null)
            {
                Problems.Add(new ConditionProblem(id, message, span, suggestion));
                return new ConstCondition(false);
            }

            public Condition BindBool(Expr e)
            {
                var c = BindBoolCore(e);
                // The innermost expression that produced a node names it (parentheses add nothing).
                _spans?.RecordNode(c, e.Span);
                return c;
            }

            private Condition BindBoolCore(Expr e)
            {
                switch (e)
                {
                    case ParenExpr p:
                        return BindBool(p.Inner);
                    case NotExpr n:
                        return new NotCondition(BindBool(n.Operand));
                    case BinaryExpr { Op: "||" } b:
                        return new OrCondition(BindBool(b.Left), BindBool(b.Right));
                    case BinaryExpr { Op: "&&" } b:
                        return new AndCondition(BindBool(b.Left), BindBool(b.Right));
                    case BinaryExpr { Op: "==" or "!=" or "<" or "<=" or ">" or ">=" } b:
                        return Compare(b);
                    case InExpr i:
                        return In(i);
                }

                // A value where a condition is expected: 'x & MASK' tests whether any bit of MASK is set.
                var v = BindValue(e);
                if (v == null) return new ConstCondition(false);
                if (v.Arg != null && v.Mask != null)
                    return Make(v.Arg, v.Mask.Value, CompareOp.Ne, new Num(0, false), e.Span, e.Span);
                return Fail(DiagnosticIds.ConditionType, e.Span, v.Arg != null
                    ? $"'{v.Arg.Name}' alone is not a condition: compare it, e.g. '{v.Arg.Name} != 0'"
                    : "a constant alone is not a condition: compare an argument with it");
            }

            private Condition In(InExpr i)
            {
                var subject = BindValue(i.Operand);
                if (subject == null) return new ConstCondition(false);
                if (subject.Arg == null)
                    return Fail(DiagnosticIds.ConditionType, i.Operand.Span, "the value before 'in' must be an argument");
                var items = new List<Condition>();
                foreach (var item in i.Items)
                {
                    var v = BindValue(item);
                    if (v == null) continue;
                    if (v.Constant == null) { Fail(DiagnosticIds.ConditionType, item.Span, "the items of an 'in' list must be constants"); continue; }
                    items.Add(Make(subject.Arg, subject.Mask, CompareOp.Eq, v.Constant.Value, item.Span, i.Operand.Span));
                }
                return items.Count == 0 ? new ConstCondition(false) : Balanced(items, 0, items.Count - 1);
            }

            /// <summary>An OR of the items as a balanced tree: a long list must not make the tree as deep as it is long.</summary>
            private static Condition Balanced(List<Condition> items, int lo, int hi)
            {
                if (lo == hi) return items[lo];
                int mid = (lo + hi) / 2;
                return new OrCondition(Balanced(items, lo, mid), Balanced(items, mid + 1, hi));
            }

            private Condition Compare(BinaryExpr b)
            {
                var left = BindValue(b.Left);
                var right = BindValue(b.Right);
                if (left == null || right == null) return new ConstCondition(false);
                var op = b.Op switch
                {
                    "==" => CompareOp.Eq, "!=" => CompareOp.Ne, "<" => CompareOp.Lt, "<=" => CompareOp.Le,
                    ">" => CompareOp.Gt, _ => CompareOp.Ge,
                };
                if (left.Arg != null && right.Arg != null)
                    return Fail(DiagnosticIds.ConditionType, b.Span, "a filter compares an argument with a constant, not two arguments");
                if (left.Arg == null && right.Arg == null)
                    return Fail(DiagnosticIds.ConditionType, b.Span, "this compares two constants: one side must be an argument");
                if (left.Arg == null)
                {
                    // 5 < x is x > 5.
                    (left, right) = (right, left);
                    op = op switch { CompareOp.Lt => CompareOp.Gt, CompareOp.Le => CompareOp.Ge, CompareOp.Gt => CompareOp.Lt, CompareOp.Ge => CompareOp.Le, _ => op };
                    return Make(left.Arg!, left.Mask, op, right.Constant!.Value, b.Left.Span, b.Right.Span);
                }
                return Make(left.Arg, left.Mask, op, right.Constant!.Value, b.Right.Span, b.Left.Span);
            }

            private Condition Make(Parameter arg, Num? mask, CompareOp op, Num value, TextSpan valueSpan, TextSpan argSpan)
            {
                var type = arg.Type;
                if (type.NotComparable is { } why)
                    Warnings.Add(new ConditionProblem(DiagnosticIds.ArgumentNotComparable,
                        why + $"; there a rule that lets the call run never applies, one that stops it applies to every {_syscall} call",
                        argSpan));
                if (type.Pointer)
                {
                    if (mask != null || (op != CompareOp.Eq && op != CompareOp.Ne) || value.Bits != 0)
                        return Fail(DiagnosticIds.ConditionPointer, argSpan,
                            $"'{arg.Name}' of {_syscall} is a pointer ({type.CType}): the filter sees the address, not the memory "
                            + "it points to, which another thread can change after the check; only '== 0' and '!= 0' are allowed");
                }
                if (!Fits(value, type))
                    return Fail(DiagnosticIds.ConditionOutOfRange, valueSpan, $"{value.Show()} is outside the range of '{type.CType} {arg.Name}' ({RangeText(arg)})");
                if (mask is { } m && !Fits(m, type))
                    return Fail(DiagnosticIds.ConditionOutOfRange, argSpan, $"the mask {m.Show()} is outside the range of '{type.CType} {arg.Name}' ({RangeText(arg)})");
                ulong width = type.WidthMask;
                if (value.SelfPid && (mask != null || (op != CompareOp.Eq && op != CompareOp.Ne) || type.Bits != 32))
                    return Fail(DiagnosticIds.ConditionType, valueSpan,
                        $"SELF_PID (this process's pid, written into the program at install) compares with '==' or '!=' only, with a 32-bit argument such as a pid_t, unmasked");
                var compare = new CompareCondition(arg.Index, type, mask is { } mm ? mm.Bits & width : width, op, value.Bits & width, value.SelfPid);
                _spans?.RecordOperands(compare, argSpan, valueSpan);
                return compare;
            }

            private static bool Fits(Num n, ArgType t)
            {
                if (t.Bits == 64) return !n.Negative || t.Signed;
                if (n.Negative) return t.Signed && t.Bits == 32 && (long)n.Bits >= int.MinValue;
                return n.Bits <= t.WidthMask;
            }

            /// <summary>The values the argument takes, and why when the kernel reads it more narrowly than its C type.</summary>
            private string RangeText(Parameter p)
            {
                var t = p.Type;
                string range = (t.Bits, t.Signed) switch
                {
                    (32, true) => "-2147483648..0xffffffff",
                    (64, true) => "-9223372036854775808..0xffffffffffffffff",
                    _ => "0..0x" + t.WidthMask.ToString("x", CultureInfo.InvariantCulture),
                };
                return NarrowArguments.Find(_syscall, p.Index) is { } narrow
                    ? $"{range}: {_syscall} reads only its low {narrow.Bits} bits, {narrow.Reads}"
                    : range;
            }

            private Value? BindValue(Expr e)
            {
                switch (e)
                {
                    case ParenExpr p:
                        return BindValue(p.Inner);
                    case NumberExpr n:
                        return new Value(new Num(n.Magnitude, false), null, null);
                    case NegateExpr neg:
                    {
                        var v = BindValue(neg.Operand);
                        if (v == null) return null;
                        if (v.Constant is not { } c) { Fail(DiagnosticIds.ConditionType, neg.Span, "only a constant can be negated"); return null; }
                        if (c.SelfPid) { Fail(DiagnosticIds.ConditionType, neg.Span, "SELF_PID cannot be negated"); return null; }
                        if (c.Bits == 0) return v;
                        if (!c.Negative && c.Bits > 0x8000_0000_0000_0000UL)
                        {
                            Fail(DiagnosticIds.ConditionOutOfRange, neg.Span, $"-{c.Show()} does not fit in 64 bits");
                            return null;
                        }
                        return new Value(new Num(unchecked(0UL - c.Bits), !c.Negative), null, null);
                    }
                    case NameExpr name:
                        return BindName(name);
                    case BinaryExpr { Op: "&" or "|" } b:
                    {
                        var l = BindValue(b.Left);
                        var r = BindValue(b.Right);
                        if (l == null || r == null) return null;
                        if (l.Constant is { SelfPid: true } || r.Constant is { SelfPid: true })
                        {
                            Fail(DiagnosticIds.ConditionType, b.OpSpan, "SELF_PID is a pid, not a mask or a flag: compare it with '==' or '!='");
                            return null;
                        }
                        if (l.Constant is { } lc && r.Constant is { } rc)
                        {
                            ulong bits = b.Op == "&" ? lc.Bits & rc.Bits : lc.Bits | rc.Bits;
                            bool neg = (lc.Negative || rc.Negative) && (long)bits < 0;
                            return new Value(new Num(bits, neg), null, null);
                        }
                        if (b.Op == "|")
                        {
                            Fail(DiagnosticIds.ConditionType, b.OpSpan, "'|' combines constants; to test bits of an argument write '(x & MASK) == VALUE'");
                            return null;
                        }
                        if (l.Arg != null && r.Arg != null)
                        {
                            Fail(DiagnosticIds.ConditionType, b.OpSpan, "'&' masks an argument with a constant, not with another argument");
                            return null;
                        }
                        var arg = l.Arg != null ? l : r;
                        var mask = (l.Arg != null ? r : l).Constant!.Value;
                        var combined = arg.Mask is { } prev ? new Num(prev.Bits & mask.Bits, prev.Negative && mask.Negative) : mask;
                        return new Value(null, arg.Arg, combined);
                    }
                    default:
                        Fail(DiagnosticIds.ConditionType, e.Span, "a condition stands where a value is expected");
                        return null;
                }
            }

            private Value? BindName(NameExpr n)
            {
                string name = n.Name;
                // argN is always register slot N (libseccomp's SCMP_AN), before any prototype name: prctl's and
                // keyctl's prototypes call slot 1 'arg2', and 'arg2' must not mean slot 1 there.
                if (name.Length == 4 && name.StartsWith("arg", StringComparison.Ordinal) && name[3] >= '0' && name[3] <= '5')
                {
                    int index = name[3] - '0';
                    if (_params == null) return new Value(null, new Parameter(index, name, ArgType.Unknown64), null);
                    if (index < _params.Count)
                    {
                        WarnPositional(n, index);
                        return new Value(null, _params[index], null);
                    }
                    Fail(DiagnosticIds.ConditionUnknownName, n.Span, _params.Count == 0
                        ? $"{_syscall} takes no arguments"
                        : $"{_syscall} takes {_params.Count} argument{(_params.Count == 1 ? "" : "s")} (arg0..arg{_params.Count - 1})");
                    return null;
                }
                if (_params != null)
                {
                    string real = Signatures.ResolveAlias(_syscall, name) ?? name;
                    foreach (var p in _params)
                        if (p.Name == real) return new Value(null, p, null);
                }
                // The process's own pid is known only at install: the runtime writes it into the program then.
                if (name == "SELF_PID")
                    return new Value(new Num(CompareCondition.SelfPidPlaceholder, false, SelfPid: true), null, null);
                if (Constants.TryGet(_arch.Arch, name, out long value))
                    return new Value(new Num(unchecked((ulong)value), value < 0), null, null);

                bool definedElsewhere = Constants.IsDefinedAnywhere(name);
                if (definedElsewhere)
                {
                    Fail(DiagnosticIds.ConditionUnknownName, n.Span, $"'{name}' is not defined on {_arch.Name}");
                    return null;
                }
                var candidates = (_params?.Select(p => p.Name) ?? Enumerable.Empty<string>()).Concat(Constants.Names(_arch.Arch));
                string? near = Syscalls.Closest(name, candidates);
                string args = _params == null ? "" : $" ({string.Join(", ", _params.Select(p => p.Name))})";
                Fail(DiagnosticIds.ConditionUnknownName, n.Span,
                    $"'{name}' is neither an argument of {_syscall}{args} nor a known constant{(near != null ? $"; did you mean '{near}'?" : "")}",
                    near);
                return null;
            }
        }
    }
}
