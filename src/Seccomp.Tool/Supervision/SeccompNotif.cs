// Linux interop for the supervisor. Layout checked against the kernel UAPI headers (docs/tool.md).

using System.Runtime.InteropServices;

namespace Seccomp.Tool;

/// <summary>struct seccomp_data (64 bytes) embedded in struct seccomp_notif.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SeccompNotif // struct seccomp_notif, 80 bytes
{
    public ulong Id;              // @0
    public uint Pid;              // @8  (thread id, in the supervisor's pid namespace)
    public uint Flags;            // @12
    public int Nr;                // @16 seccomp_data.nr
    public uint Arch;             // @20 seccomp_data.arch
    public ulong InstructionPointer; // @24
    public fixed ulong Args[6];   // @32
}
