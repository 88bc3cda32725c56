using System;
using System.Collections.Generic;
using System.Linq;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Diagnostics;
using Seccomp.Compiler.Policy;

namespace Seccomp.Compiler.Analysis
{
    /// <summary>
    /// Conditions, or parts of one, that are never true (SECC0034) or always true (SECC0035) for some of the rule's
    /// syscalls on some architectures (<see cref="ConditionAnalysis"/>), reported once per part with where it holds.
    /// </summary>
    internal static class ConstantConditionChecks
    {
        public static void Run(AnalysisState state)
        {
            var byRule = state.Entries.ToLookup(e => e.Rule);
            foreach (var rule in state.Policy.Rules)
            {
                if (rule.When == null) continue;
                var parts = new Dictionary<(int Start, int Length, bool Value), (ConstantPart Part, List<(string Syscall, string Arch)> Where)>();
                var order = new List<(int, int, bool)>();
                int total = 0;
                var allSyscalls = new List<string>();
                foreach (var arch in state.Archs)
                {
                    var names = new HashSet<string>();
                    foreach (var entry in byRule[rule])
                        foreach (var x in PolicyResolver.ExpandEntry(rule.Syscalls[entry.NameIndex], arch.Info, rule.Action))
                            names.Add(x.Name);
                    foreach (var name in names.OrderBy(n => n, StringComparer.Ordinal))
                    {
                        state.Ct.ThrowIfCancellationRequested();
                        var bound = state.Bindings.Bind(rule.When, name, arch.Info);
                        var condition = bound.Condition;
                        var spans = bound.Spans;
                        if (condition == null) continue;
                        total++;
                        if (!allSyscalls.Contains(name)) allSyscalls.Add(name);
                        var found = ConditionAnalysis.Find(arch.Sets, condition, spans, rule.When, Signatures.Get(name, arch.Info.Arch));
                        foreach (var part in found)
                        {
                            var key = (part.Span.Start, part.Span.Length, part.AlwaysTrue);
                            if (!parts.TryGetValue(key, out var entry))
                            {
                                parts[key] = entry = (part, new List<(string, string)>());
                                order.Add(key);
                            }
                            entry.Where.Add((name, arch.Info.Name));
                        }
                    }
                }

                foreach (var key in order)
                {
                    var (part, where) = parts[key];
                    string qualifier = where.Count == total ? "" : " " + Where(state, where, allSyscalls);
                    string rt = PolicyText.Rule(rule);
                    string text = rule.When.Substring(part.Span.Start, part.Span.Length);
                    string message = (part.IsWhole, part.AlwaysTrue) switch
                    {
                        (true, false) => $"{rt}: the condition is never true{qualifier}: {part.Reason}; the rule applies to no call",
                        (true, true) => $"{rt}: the condition is always true{qualifier}: {part.Reason}; the rule applies to every call, as without When",
                        (false, false) => $"{rt}: '{text}' is never true{qualifier}: {part.Reason}",
                        _ => $"{rt}: '{text}' is always true{qualifier}: {part.Reason}",
                    };
                    state.Add(part.AlwaysTrue ? DiagnosticIds.ConditionAlwaysTrue : DiagnosticIds.ConditionNeverTrue, message,
                        rule.Index, LocationSite.Condition, start: part.Span.Start, length: part.Span.Length);
                }
            }
        }

        /// <summary>"for openat on aarch64": the syscalls and architectures where a finding holds, when not all.</summary>
        private static string Where(AnalysisState state, List<(string Syscall, string Arch)> where, List<string> allSyscalls)
        {
            var syscalls = where.Select(w => w.Syscall).Distinct().ToList();
            var archs = where.Select(w => w.Arch).Distinct().ToList();
            var parts = new List<string>();
            if (syscalls.Count < allSyscalls.Count) parts.Add("for " + PolicyText.List(syscalls));
            if (archs.Count < state.Archs.Count) parts.Add("on " + PolicyText.List(archs));
            return parts.Count == 0 ? "for some of its syscalls" : string.Join(" ", parts);
        }
    }
}
