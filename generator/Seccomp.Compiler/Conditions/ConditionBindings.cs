using System;
using System.Collections.Generic;

namespace Seccomp.Compiler.Conditions
{
    /// <summary>
    /// The conditions of one compilation, each text parsed once and bound once per syscall and architecture, whoever
    /// asks first: the checks, the resolution for code generation and the analysis all read the same trees.
    /// </summary>
    internal sealed class ConditionBindings
    {
        private readonly Dictionary<string, (Expr? Expr, ConditionProblem? Syntax)> _parsed = new(StringComparer.Ordinal);
        private readonly Dictionary<(string When, string Syscall, SeccompArch Arch), BoundCondition> _bound = new();

        /// <summary>The syntax tree of <paramref name="when"/>, or null with the syntax error.</summary>
        public Expr? Parse(string when, out ConditionProblem? syntax)
        {
            if (!_parsed.TryGetValue(when, out var p))
            {
                var expr = ConditionParser.Parse(when, out var problem);
                _parsed[when] = p = (expr, problem);
            }
            syntax = p.Syntax;
            return p.Expr;
        }

        public BoundCondition Bind(string when, string syscall, ArchInfo arch)
        {
            var key = (when, syscall, arch.Arch);
            if (_bound.TryGetValue(key, out var bound)) return bound;
            var spans = new ConditionSpans();
            var expr = Parse(when, out var syntax);
            if (expr == null)
                bound = new BoundCondition(null, new[] { syntax! }, spans, Array.Empty<ConditionProblem>());
            else
            {
                var condition = ConditionBinder.Bind(expr, syscall, arch, out var problems, spans, out var warnings);
                bound = new BoundCondition(condition, problems, spans, warnings);
            }
            _bound[key] = bound;
            return bound;
        }

        /// <summary>The bound condition, or null when there is none or it has problems (reported by the checks).</summary>
        public Condition? TryBind(string? when, string syscall, ArchInfo arch) =>
            when == null ? null : Bind(when, syscall, arch).Condition;
    }
}
