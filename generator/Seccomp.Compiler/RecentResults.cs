using System;
using System.Collections.Generic;

namespace Seccomp.Compiler
{
    /// <summary>
    /// The last few results of a pure function, found again by the input's value. The compiler server keeps the
    /// analyzer assemblies loaded but starts a new generator driver for every build, and the generator and the analyzers
    /// ask about the same policy in one process: an unchanged input is answered without doing the work again.
    /// </summary>
    internal sealed class RecentResults<TKey, TValue>
    {
        private readonly int _capacity;
        private readonly LinkedList<KeyValuePair<TKey, TValue>> _items = new();

        public RecentResults(int capacity) => _capacity = capacity;

        /// <summary>The result kept for an equal key, moved to the front; else <paramref name="create"/>'s, kept.</summary>
        public TValue GetOrAdd(TKey key, Func<TKey, TValue> create)
        {
            var comparer = EqualityComparer<TKey>.Default;
            lock (_items)
            {
                for (var node = _items.First; node != null; node = node.Next)
                {
                    if (!comparer.Equals(node.Value.Key, key)) continue;
                    _items.Remove(node);
                    _items.AddFirst(node);
                    return node.Value.Value;
                }
            }
            // Outside the lock: two threads may compute the same result once each, which is harmless.
            var value = create(key);
            lock (_items)
            {
                _items.AddFirst(new KeyValuePair<TKey, TValue>(key, value));
                while (_items.Count > _capacity) _items.RemoveLast();
            }
            return value;
        }
    }
}
