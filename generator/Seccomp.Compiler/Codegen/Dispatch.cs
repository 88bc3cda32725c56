using System;
using System.Collections.Generic;

namespace Seccomp.Compiler.Codegen
{
    /// <summary>
    /// How a syscall number reaches its handler, laid out for a frequency profile:
    /// <code>
    ///   jeq #hot1 ... jeq #hotK       the K hottest calls of the profile, hottest first, each straight to its handler
    ///   range tree                    an optimal alphabetic tree of JGE over the ranges of the other numbers
    /// </code>
    /// Only the number is compared, so the kernel's action cache still sees every call whose verdict does not depend on
    /// an argument. The numbers with a check of their own are "don't care" in the tree (they never reach it), so they
    /// join a neighbouring range instead of splitting one.
    ///
    /// The tree minimizes Σ weight(range) × depth(range) (Knuth's O(n²) dynamic program, which holds for weights on
    /// the leaves), with weight = α × (share of the numbers 0..max) + (1 - α) × (share of the profile). K and α are
    /// chosen together: the least expected executed instructions under the profile, among the layouts whose mean over
    /// every number 0..max exceeds the mean of the best tree for numbers alone (K = 0, α = 1) by at most
    /// <see cref="UniformSlack"/>; ties go to fewer instructions, then fewer checks. Without a profile it is that
    /// best tree for numbers alone.
    /// </summary>
    internal sealed class Dispatch
    {
        /// <summary>At most this many checks before the tree.</summary>
        public const int MaxHot = 16;

        /// <summary>How much the mean over every number may grow for the profile's sake, in executed instructions.</summary>
        public const double UniformSlack = 1.0;

        private static readonly double[] s_alphas = { 1.0, 0.7, 0.5, 0.35, 0.2, 0.1, 0.05, 0.02 };

        /// <summary>A leaf of the tree: the numbers from Start up to the next leaf's Start.</summary>
        public readonly struct Leaf<T>
        {
            public Leaf(uint start, T handler, double numbers, double hits)
            {
                Start = start;
                Handler = handler;
                Numbers = numbers;
                Hits = hits;
            }

            public uint Start { get; }
            public T Handler { get; }
            /// <summary>How many numbers 0..max (not checked before the tree) the leaf holds.</summary>
            public double Numbers { get; }
            /// <summary>The profile's share of those numbers.</summary>
            public double Hits { get; }
        }

        public sealed class Plan<T>
        {
            public Plan(int[] hot, List<Leaf<T>> leaves, int[] roots, double uniform, double weighted)
            {
                Hot = hot;
                Leaves = leaves;
                Roots = roots;
                UniformMean = uniform;
                WeightedMean = weighted;
            }

            /// <summary>The numbers checked first, hottest first.</summary>
            public int[] Hot { get; }
            public List<Leaf<T>> Leaves { get; }
            /// <summary>Roots[i * n + j]: the leaf whose Start the JGE over leaves i..j compares with (i &lt; j).</summary>
            public int[] Roots { get; }
            /// <summary>Mean dispatch instructions (JEQs and JGEs) over the numbers 0..max.</summary>
            public double UniformMean { get; }
            /// <summary>Mean dispatch instructions under the profile.</summary>
            public double WeightedMean { get; }
            public int Size => Hot.Length + Leaves.Count - 1;
            public int Root(int i, int j) => Roots[i * Leaves.Count + j];
        }

        /// <summary>
        /// Lays out the dispatch. <paramref name="handlers"/>[nr] is the handler of each number 0..max;
        /// <paramref name="tail"/> the ranges above max (start, handler), in order.
        /// </summary>
        public static Plan<T> Choose<T>(T[] handlers, IReadOnlyList<KeyValuePair<uint, T>> tail,
            IReadOnlyList<KeyValuePair<int, double>> profile, IEqualityComparer<T> eq)
        {
            int numbers = handlers.Length;
            var share = new double[numbers];
            var hotCandidates = new List<int>();
            foreach (var kv in profile)
            {
                if (kv.Key < 0 || kv.Key >= numbers) continue;
                share[kv.Key] += kv.Value;
                if (hotCandidates.Count < MaxHot) hotCandidates.Add(kv.Key);
            }
            bool hasProfile = hotCandidates.Count > 0;

            Plan<T>? best = null;
            double budget = double.PositiveInfinity;
            var isHot = new bool[numbers];
            var scratch = new Scratch();
            for (int k = 0; k <= (hasProfile ? hotCandidates.Count : 0); k++)
            {
                if (k > 0) isHot[hotCandidates[k - 1]] = true;
                var leaves = Leaves(handlers, tail, share, isHot, eq);
                var hot = hotCandidates.GetRange(0, k).ToArray();
                foreach (double alpha in s_alphas)
                {
                    if (!hasProfile && alpha != 1.0) continue;
                    // Many ranges (a policy of scattered actions): fewer trees to try, each O(ranges²).
                    if (leaves.Count > 128 && alpha != 1.0 && alpha != 0.2) continue;
                    var plan = Build(hot, leaves, alpha, share, numbers, scratch);
                    if (k == 0 && alpha == 1.0) budget = plan.UniformMean + UniformSlack;
                    if (plan.UniformMean > budget + 1e-9) continue;
                    if (best == null || Better(plan, best)) best = plan;
                }
            }
            return best!;
        }

        private static bool Better<T>(Plan<T> a, Plan<T> b)
        {
            if (Math.Abs(a.WeightedMean - b.WeightedMean) > 1e-9) return a.WeightedMean < b.WeightedMean;
            if (a.Size != b.Size) return a.Size < b.Size;
            return a.Hot.Length < b.Hot.Length;
        }

        private static List<Leaf<T>> Leaves<T>(T[] handlers, IReadOnlyList<KeyValuePair<uint, T>> tail, double[] share, bool[] isHot,
            IEqualityComparer<T> eq)
        {
            var leaves = new List<Leaf<T>>();
            var starts = new List<uint>();
            var hs = new List<T>();
            var counts = new List<double>();
            var hits = new List<double>();
            for (int nr = 0; nr < handlers.Length; nr++)
            {
                if (isHot[nr]) continue;
                if (hs.Count == 0 || !eq.Equals(hs[hs.Count - 1], handlers[nr]))
                {
                    starts.Add(hs.Count == 0 ? 0u : (uint)nr);
                    hs.Add(handlers[nr]);
                    counts.Add(0);
                    hits.Add(0);
                }
                counts[counts.Count - 1] += 1;
                hits[hits.Count - 1] += share[nr];
            }
            foreach (var kv in tail)
            {
                if (hs.Count > 0 && eq.Equals(hs[hs.Count - 1], kv.Value)) continue;
                starts.Add(hs.Count == 0 ? 0u : kv.Key);
                hs.Add(kv.Value);
                counts.Add(0);
                hits.Add(0);
            }
            for (int i = 0; i < hs.Count; i++) leaves.Add(new Leaf<T>(starts[i], hs[i], counts[i], hits[i]));
            return leaves;
        }

        /// <summary>The dynamic program's cost table, reused from one tree to the next.</summary>
        private sealed class Scratch
        {
            public double[] Cost = Array.Empty<double>();
        }

        [System.Runtime.CompilerServices.MethodImpl((System.Runtime.CompilerServices.MethodImplOptions)512)] // AggressiveOptimization: the O(n^2) search runs dozens of times per policy
        private static Plan<T> Build<T>(int[] hot, List<Leaf<T>> leaves, double alpha, double[] share, int numbers, Scratch scratch)
        {
            int n = leaves.Count;
            // A range above max weighs as one number: rare, but never free.
            var w = new double[n];
            for (int i = 0; i < n; i++)
                w[i] = alpha * Math.Max(leaves[i].Numbers, 1) / numbers + (1 - alpha) * leaves[i].Hits + 1e-12;
            var prefix = new double[n + 1];
            for (int i = 0; i < n; i++) prefix[i + 1] = prefix[i] + w[i];

            if (scratch.Cost.Length < n * n) scratch.Cost = new double[n * n];
            var cost = scratch.Cost;
            var roots = new int[n * n];
            for (int i = 0; i + 1 < n; i++)
            {
                roots[i * n + i + 1] = i + 1;
                cost[i * n + i + 1] = w[i] + w[i + 1];
            }
            for (int len = 3; len <= n; len++)
            {
                for (int i = 0; i + len - 1 < n; i++)
                {
                    int j = i + len - 1;
                    int lo = roots[i * n + j - 1], hi = roots[(i + 1) * n + j];
                    double bestCost = double.PositiveInfinity;
                    int bestRoot = lo;
                    for (int r = lo; r <= hi; r++)
                    {
                        double c = (r - 1 > i ? cost[i * n + r - 1] : 0) + (j > r ? cost[r * n + j] : 0);
                        if (c < bestCost - 1e-15) { bestCost = c; bestRoot = r; }
                    }
                    roots[i * n + j] = bestRoot;
                    cost[i * n + j] = bestCost + prefix[j + 1] - prefix[i];
                }
            }

            // Depth of each leaf, without recursion.
            var depth = new int[n];
            if (n > 1)
            {
                var stack = new Stack<(int I, int J, int D)>();
                stack.Push((0, n - 1, 0));
                while (stack.Count > 0)
                {
                    var (i, j, d) = stack.Pop();
                    if (i == j) { depth[i] = d; continue; }
                    int r = roots[i * n + j];
                    stack.Push((i, r - 1, d + 1));
                    stack.Push((r, j, d + 1));
                }
            }
            double uniform = 0, weighted = 0;
            for (int i = 0; i < hot.Length; i++)
            {
                uniform += (i + 1.0) / numbers;
                weighted += share[hot[i]] * (i + 1);
            }
            for (int i = 0; i < n; i++)
            {
                uniform += leaves[i].Numbers / numbers * (hot.Length + depth[i]);
                weighted += leaves[i].Hits * (hot.Length + depth[i]);
            }
            return new Plan<T>(hot, leaves, roots, uniform, weighted);
        }
    }
}
