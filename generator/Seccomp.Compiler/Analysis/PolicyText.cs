using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Seccomp.Compiler.Policy;

namespace Seccomp.Compiler.Analysis
{
    /// <summary>How messages name rules and actions: as the user wrote them, e.g. <c>[Deny("openat", Errno = EACCES)]</c>.</summary>
    internal static class PolicyText
    {
        private const int MaxNames = 3;
        private const int MaxWhen = 40;

        public static string Attribute(SeccompAction kind) => kind switch
        {
            SeccompAction.Allow => "Allow",
            SeccompAction.Errno => "Deny",
            SeccompAction.KillProcess or SeccompAction.KillThread => "Kill",
            SeccompAction.Log => "Log",
            SeccompAction.Trap => "Trap",
            SeccompAction.Trace => "Trace",
            SeccompAction.Notify => "Notify",
            _ => kind.ToString(),
        };

        /// <summary>The rule as an attribute, its names shortened after three and a long condition elided.</summary>
        public static string Rule(RuleModel rule)
        {
            var parts = new List<string>();
            var names = rule.Syscalls.Take(MaxNames).Select(n => "\"" + n + "\"").ToList();
            if (rule.Syscalls.Count > MaxNames) names.Add("...");
            parts.AddRange(names);
            var v = rule.Action;
            switch (v.Action)
            {
                case SeccompAction.Errno when v.Data != 1: parts.Add("Errno = " + ErrnoNames.Of(v.Data)); break;
                case SeccompAction.KillThread: parts.Add("Thread = true"); break;
                case SeccompAction.Trap or SeccompAction.Trace when v.Data != 0: parts.Add("Data = " + v.Data.ToString(CultureInfo.InvariantCulture)); break;
            }
            if (rule.When != null)
                parts.Add("When = \"" + (rule.When.Length > MaxWhen ? rule.When.Substring(0, MaxWhen - 3).TrimEnd() + "..." : rule.When) + "\"");
            return "[" + Attribute(v.Action) + "(" + string.Join(", ", parts) + ")]";
        }

        /// <summary>The whole rule, or one of its names: <c>'write' in [Allow("read", "write")]</c>.</summary>
        public static string Subject(RuleModel rule, int nameIndex) =>
            nameIndex < 0 || rule.Syscalls.Count <= 1 ? Rule(rule) : "'" + rule.Syscalls[nameIndex] + "' in " + Rule(rule);

        /// <summary>The kernel's name of a verdict, with errno names: <c>ERRNO(EACCES)</c>, <c>KILL_PROCESS</c>.</summary>
        public static string Verdict(SeccompVerdict v) => v.Action == SeccompAction.Errno ? "ERRNO(" + ErrnoNames.Of(v.Data) + ")" : v.ToString();

        /// <summary>"a", "a and b", "a, b and c".</summary>
        public static string List(IEnumerable<string> items, string conjunction = "and")
        {
            var list = items.ToList();
            if (list.Count == 0) return "";
            if (list.Count == 1) return list[0];
            return string.Join(", ", list.Take(list.Count - 1)) + " " + conjunction + " " + list[list.Count - 1];
        }

        public static string Hex(ulong v) => v < 10 ? v.ToString(CultureInfo.InvariantCulture) : "0x" + v.ToString("x", CultureInfo.InvariantCulture);
    }
}
