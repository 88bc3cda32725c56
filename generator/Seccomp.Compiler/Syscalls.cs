using System;
using System.Collections.Generic;
using System.Linq;

namespace Seccomp.Compiler
{
    /// <summary>Name lookups across architectures, and the nearest known name for a misspelling.</summary>
    internal static class Syscalls
    {
        private static readonly Lazy<string[]> s_allNames = new(() =>
            ArchInfo.All.SelectMany(a => a.Syscalls.Select(kv => kv.Key)).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToArray());

        /// <summary>Every syscall name known on at least one architecture, sorted.</summary>
        public static IReadOnlyList<string> AllNames => s_allNames.Value;

        public static bool IsKnownAnywhere(string name) => ArchInfo.All.Any(a => a.TryGetNumber(name, out _));

        /// <summary>The known name closest to <paramref name="name"/> by edit distance, or null when none is close.</summary>
        public static string? Closest(string name, IEnumerable<string> candidates)
        {
            string? best = null;
            int bestDistance = int.MaxValue;
            int limit = Math.Max(1, name.Length / 3);
            foreach (var c in candidates)
            {
                // The length difference bounds the distance from below: skip what cannot be close.
                if (Math.Abs(c.Length - name.Length) > limit) continue;
                int d = EditDistance(name, c);
                if (d < bestDistance || (d == bestDistance && best != null && string.CompareOrdinal(c, best) < 0))
                {
                    best = c;
                    bestDistance = d;
                }
            }
            // More than a third of the word changed is a different word, not a typo.
            return best != null && bestDistance <= limit ? best : null;
        }

        public static int EditDistance(string a, string b)
        {
            var prev = new int[b.Length + 1];
            var cur = new int[b.Length + 1];
            for (int j = 0; j <= b.Length; j++) prev[j] = j;
            for (int i = 1; i <= a.Length; i++)
            {
                cur[0] = i;
                for (int j = 1; j <= b.Length; j++)
                {
                    int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                }
                (prev, cur) = (cur, prev);
            }
            return prev[b.Length];
        }
    }
}
