using System;
using System.Collections;
using System.Collections.Generic;

namespace Seccomp.Compiler
{
    /// <summary>
    /// An immutable array with value equality, so that models built from it compare by content. The incremental
    /// generator caches on that equality; a plain array would compare by reference and defeat every cache.
    /// </summary>
    internal readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IReadOnlyList<T>
    {
        private readonly T[]? _items;

        public EquatableArray(T[] items) => _items = items;

        public static EquatableArray<T> Empty => new(Array.Empty<T>());

        public int Count => _items?.Length ?? 0;

        public T this[int index] => (_items ?? Array.Empty<T>())[index];

        public T[] ToArray() => (T[])(_items ?? Array.Empty<T>()).Clone();

        [System.Runtime.CompilerServices.MethodImpl((System.Runtime.CompilerServices.MethodImplOptions)512)] // AggressiveOptimization (not in netstandard2.0): runs a few times per compiler server, never tiers up
        public bool Equals(EquatableArray<T> other)
        {
            var a = _items ?? Array.Empty<T>();
            var b = other._items ?? Array.Empty<T>();
            if (a.Length != b.Length) return false;
            var cmp = EqualityComparer<T>.Default;
            for (int i = 0; i < a.Length; i++)
                if (!cmp.Equals(a[i], b[i])) return false;
            return true;
        }

        public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

        public override int GetHashCode()
        {
            unchecked
            {
                int h = 17;
                var cmp = EqualityComparer<T>.Default;
                foreach (var item in _items ?? Array.Empty<T>())
                    h = h * 31 + (item is null ? 0 : cmp.GetHashCode(item));
                return h;
            }
        }

        public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)(_items ?? Array.Empty<T>())).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public static bool operator ==(EquatableArray<T> left, EquatableArray<T> right) => left.Equals(right);

        public static bool operator !=(EquatableArray<T> left, EquatableArray<T> right) => !left.Equals(right);
    }

    internal static class EquatableArray
    {
        public static EquatableArray<T> From<T>(IEnumerable<T> items) => new(new List<T>(items).ToArray());
    }
}
