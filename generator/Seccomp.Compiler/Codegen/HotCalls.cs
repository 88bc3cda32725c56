using System;
using System.Collections.Generic;
using System.Globalization;
using Seccomp.Compiler.Tables;

namespace Seccomp.Compiler.Codegen
{
    /// <summary>
    /// The frequency profile the dispatch is laid out for: syscall names, hottest first, with weights. A policy gives
    /// its own (<c>HotSyscalls</c>: <c>"name"</c> or <c>"name:count"</c> entries) or gets the built-in one for .NET
    /// services (<see cref="HotProfileData.DotNet"/>, from <c>data/aspnetcore-mix-x86_64.tsv</c>).
    /// </summary>
    internal static class HotCalls
    {
        /// <summary>
        /// Calls a profile measured on one architecture names that another spells differently (aarch64 and riscv64 have
        /// only the generic calls): the profile's weight goes to the call the runtime makes there instead.
        /// </summary>
        private static readonly Dictionary<string, string> s_generic = new(StringComparer.Ordinal)
        {
            ["epoll_wait"] = "epoll_pwait",
            ["poll"] = "ppoll",
            ["select"] = "pselect6",
            ["stat"] = "newfstatat",
            ["lstat"] = "newfstatat",
            ["open"] = "openat",
            ["pipe"] = "pipe2",
            ["access"] = "faccessat",
            ["readlink"] = "readlinkat",
            ["epoll_create"] = "epoll_create1",
            ["dup2"] = "dup3",
            ["getdents"] = "getdents64",
            ["unlink"] = "unlinkat",
            ["mkdir"] = "mkdirat",
            ["rename"] = "renameat2",
        };

        private static IReadOnlyList<string>? s_builtIn;

        /// <summary>The built-in profile: "name:count" entries, hottest first.</summary>
        public static IReadOnlyList<string> BuiltIn => s_builtIn ??= ParseTable(HotProfileData.DotNet);

        private static List<string> ParseTable(string text)
        {
            var entries = new List<string>();
            foreach (var line in text.Split('\n'))
            {
                int sp = line.IndexOf(' ');
                if (sp > 0) entries.Add(line.Substring(0, sp) + ":" + line.Substring(sp + 1));
            }
            return entries;
        }

        /// <summary>Splits an entry into its name and its count (null when it has none).</summary>
        public static bool TryParse(string entry, out string name, out double? count)
        {
            name = entry;
            count = null;
            int colon = entry.IndexOf(':');
            if (colon < 0) return entry.Length > 0;
            name = entry.Substring(0, colon);
            if (!double.TryParse(entry.Substring(colon + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out double c)
                || c < 0 || double.IsNaN(c) || double.IsInfinity(c))
                return false;
            count = c;
            return name.Length > 0;
        }

        /// <summary>
        /// The profile on one architecture: (number, weight) pairs, weights summing to 1, hottest first (ties by
        /// number). An entry without a count weighs (largest count, or 1) / its position, as if the calls followed
        /// Zipf's law. Names unknown on the architecture (and without a generic equivalent) are skipped.
        /// </summary>
        public static List<KeyValuePair<int, double>> Resolve(IReadOnlyList<string> entries, ArchInfo arch)
        {
            double top = 1;
            foreach (var e in entries)
                if (TryParse(e, out _, out var c) && c is double v && v > top) top = v;
            var byNr = new Dictionary<int, double>();
            for (int i = 0; i < entries.Count; i++)
            {
                if (!TryParse(entries[i], out string name, out var count)) continue;
                if (!arch.TryGetNumber(name, out int nr) && !(s_generic.TryGetValue(name, out var generic) && arch.TryGetNumber(generic, out nr)))
                    continue;
                double w = count ?? top / (i + 1);
                byNr[nr] = byNr.TryGetValue(nr, out double old) ? old + w : w;
            }
            double sum = 0;
            foreach (var kv in byNr) sum += kv.Value;
            var result = new List<KeyValuePair<int, double>>(byNr.Count);
            foreach (var kv in byNr)
                if (kv.Value > 0) result.Add(new KeyValuePair<int, double>(kv.Key, kv.Value / sum));
            result.Sort((a, b) => a.Value != b.Value ? b.Value.CompareTo(a.Value) : a.Key.CompareTo(b.Key));
            return result;
        }
    }
}
