// Linked into the runtime, the tool and its startup hook (not the compiler core, which reads no process): the one
// reader of the seccomp lines of /proc/<pid>/status. Seccomp_filters (Linux 5.9+) counts the filters a thread has,
// which is how an install is proven, a stacked filter is told apart and a failure explained.
#if !SECCOMP_COMPILER
using System;
using System.IO;

namespace Seccomp.Common
{
    internal static class SeccompStatus
    {
        /// <summary>
        /// The seccomp mode ("Seccomp:", 0 none, 1 strict, 2 filter) and the filter count ("Seccomp_filters:") in the
        /// text of a status file; -1 for a line that is not there. Allocates nothing: the loader calls it while it
        /// installs.
        /// </summary>
        public static void Parse(ReadOnlySpan<byte> text, out int mode, out int filters)
        {
            mode = Field(text, "\nSeccomp:"u8);
            filters = Field(text, "\nSeccomp_filters:"u8);
        }

        /// <summary>This process's seccomp mode and filter count (see <see cref="Parse"/>); false when the file cannot be read.</summary>
        public static bool TryReadSelf(out int mode, out int filters)
        {
            byte[] text;
            try
            {
                text = File.ReadAllBytes("/proc/self/status");
            }
            catch (Exception)
            {
                // A filter may deny reading it, or this is not Linux: then nothing is claimed.
                mode = filters = -1;
                return false;
            }
            Parse(text, out mode, out filters);
            return true;
        }

        /// <summary>This process's Seccomp_filters; -1 when unknown (before Linux 5.9, or unreadable).</summary>
        public static int SelfFilterCount() => TryReadSelf(out _, out int filters) ? filters : -1;

        private static int Field(ReadOnlySpan<byte> text, ReadOnlySpan<byte> key)
        {
            int at = text.IndexOf(key);
            if (at < 0) return -1;
            int i = at + key.Length, value = 0, digits = 0;
            while (i < text.Length && (text[i] == (byte)' ' || text[i] == (byte)'\t')) i++;
            while (i < text.Length && text[i] >= (byte)'0' && text[i] <= (byte)'9' && digits < 9)
            {
                value = value * 10 + (text[i] - '0');
                i++;
                digits++;
            }
            return digits == 0 ? -1 : value;
        }
    }
}
#endif
