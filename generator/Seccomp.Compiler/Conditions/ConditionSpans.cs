using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace Seccomp.Compiler.Conditions
{
    /// <summary>
    /// Where the nodes of one bound condition were written in the condition text. Kept beside the tree, by node
    /// identity, so that <see cref="Condition"/> records keep their value equality (the code generator shares equal
    /// comparisons) while the analyzers can still point at the characters of one of them.
    /// </summary>
    internal sealed class ConditionSpans
    {
        private readonly Dictionary<Condition, TextSpan> _nodes = new(IdentityComparer.Instance);
        private readonly Dictionary<Condition, (TextSpan Arg, TextSpan Value)> _operands = new(IdentityComparer.Instance);

        /// <summary>The characters of the expression that produced <paramref name="node"/>.</summary>
        public bool TryGetSpan(Condition node, out TextSpan span) => _nodes.TryGetValue(node, out span);

        /// <summary>Where the argument (with its mask) and the value of a comparison were written.</summary>
        public bool TryGetOperands(CompareCondition node, out TextSpan arg, out TextSpan value)
        {
            if (_operands.TryGetValue(node, out var o))
            {
                arg = o.Arg;
                value = o.Value;
                return true;
            }
            arg = value = default;
            return false;
        }

        internal void RecordNode(Condition node, TextSpan span)
        {
            if (!_nodes.ContainsKey(node)) _nodes[node] = span;
        }

        internal void RecordOperands(CompareCondition node, TextSpan arg, TextSpan value) => _operands[node] = (arg, value);

        private sealed class IdentityComparer : IEqualityComparer<Condition>
        {
            public static readonly IdentityComparer Instance = new();
            public bool Equals(Condition? x, Condition? y) => ReferenceEquals(x, y);
            public int GetHashCode(Condition obj) => RuntimeHelpers.GetHashCode(obj);
        }
    }
}
