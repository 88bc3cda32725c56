using System.Threading;

namespace Seccomp
{
    /// <summary>
    /// A fixed ring from the supervisor (the one writer) to the reporter (the one reader): no allocation and no syscall
    /// on the writer's side, so answering a call never waits on reporting it. Full: the record is dropped and counted;
    /// the (call, action) counts still reach the summaries.
    /// </summary>
    internal sealed class ViolationRing
    {
        private readonly ViolationRecord[] _slots;
        private long _written; // by the supervisor
        private long _read;    // by the reporter
        private long _dropped;

        public ViolationRing(int capacity) => _slots = new ViolationRecord[capacity];

        public long Dropped => Volatile.Read(ref _dropped);

        // Optimized at once, never tiered: the supervisor calls it (see InProcessSupervisor's remarks).
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public bool TryWrite(in ViolationRecord record)
        {
            long w = _written;
            if (w - Volatile.Read(ref _read) >= _slots.Length)
            {
                Interlocked.Increment(ref _dropped);
                return false;
            }
            _slots[w % _slots.Length] = record;
            Volatile.Write(ref _written, w + 1); // publishes the slot
            return true;
        }

        public bool TryRead(out ViolationRecord record)
        {
            long r = _read;
            if (r >= Volatile.Read(ref _written))
            {
                record = default;
                return false;
            }
            record = _slots[r % _slots.Length];
            Volatile.Write(ref _read, r + 1);
            return true;
        }
    }
}
