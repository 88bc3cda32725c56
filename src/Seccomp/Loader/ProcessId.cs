using System;
using System.Buffers.Binary;

namespace Seccomp
{
    /// <summary>
    /// Writes this process's pid into a program at the jumps the compiler listed (SELF_PID: @dotnet-runtime's tgkill
    /// reaches only this thread group). The filter compares registers with constants, and the pid is a constant only
    /// once the process exists. getpid() is the pid in the caller's PID namespace, the one the kernel resolves tgkill's
    /// tgid in.
    /// </summary>
    internal static class ProcessId
    {
        /// <summary>The compiler's placeholder (CompareCondition.SelfPidPlaceholder): a pid no kernel hands out.</summary>
        public const uint Placeholder = 0x7fffffff;

        private const ushort JmpJeqK = 0x15;

        /// <summary>The patched copy, or null when a slot is not a <c>jeq #placeholder</c> (a program and slots that do not belong together).</summary>
        public static byte[]? Patch(ReadOnlySpan<byte> program, int[] slots, out string? problem)
        {
            problem = null;
            var bytes = program.ToArray();
            uint pid = (uint)Environment.ProcessId;
            foreach (int slot in slots)
            {
                int at = slot * 8;
                if (slot < 0 || at + 8 > bytes.Length
                    || BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at)) != JmpJeqK
                    || BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 4)) != Placeholder)
                {
                    problem = $"instruction {slot} is not the jump the compiler said holds the process's pid; the program and its slots do not belong together";
                    return null;
                }
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 4), pid);
            }
            return bytes;
        }
    }
}
