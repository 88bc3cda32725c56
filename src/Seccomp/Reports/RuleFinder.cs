using System;
using System.Collections.Generic;
using System.Linq;
using Seccomp.Common;

namespace Seccomp
{
    /// <summary>
    /// Names the rule that decides a denied call, from the policy as declared (the generated SeccompPolicySource):
    /// the rules that name the call with the same action, or <c>DefaultAction</c> when none does. Nothing is compiled at
    /// run time: a rule's condition is not evaluated, so two rules on one call with the same action are both named.
    /// </summary>
    internal sealed class RuleFinder
    {
        private readonly PolicyDocument? _document;
        private readonly (SeccompAction Action, int Data)? _default;
        private readonly Dictionary<(string, uint), string> _found = new();

        public RuleFinder(PolicyDocument? declaration)
        {
            _document = declaration;
            try
            {
                if (declaration?.Setting("default", out bool present) is { } d && present) _default = PolicyDocument.ReadVerdict(d, "default");
            }
            catch (FormatException)
            {
                _default = null; // the default is then not named; rules still are
            }
        }

        public string Find(string syscall, SeccompVerdict verdict)
        {
            var key = (syscall, verdict.ToKernel());
            if (_found.TryGetValue(key, out var text)) return text;
            return _found[key] = Search(syscall, verdict);
        }

        private string Search(string syscall, SeccompVerdict verdict)
        {
            if (_document == null) return "unknown (the policy was built without its declaration)";
            bool Same(SeccompAction action, int data) => action == verdict.Action && (action is not (SeccompAction.Errno or SeccompAction.Trace or SeccompAction.Trap) || data == verdict.Data);
            var named = _document.Rules.Where(r => Same(r.Action, r.Data) && r.Syscalls.Contains(syscall, StringComparer.Ordinal)).ToList();
            if (named.Count > 0) return string.Join(" or ", named.Select(r => $"{r.File}:{r.Line} {r.Text}"));
            if (_default is { } d && Same(d.Action, d.Data)) return "DefaultAction";
            var groups = _document.Rules.Where(r => Same(r.Action, r.Data) && r.Syscalls.Any(s => s.StartsWith("@", StringComparison.Ordinal))).ToList();
            if (groups.Count > 0) return string.Join(" or ", groups.Select(r => $"{r.File}:{r.Line} {r.Text}"));
            return "DefaultAction";
        }
    }
}
