// Linux interop for the supervisor. Layout checked against the kernel UAPI headers (docs/tool.md).

using System.Runtime.InteropServices;

namespace Seccomp.Tool;

[StructLayout(LayoutKind.Sequential)]
internal struct SeccompNotifResp // struct seccomp_notif_resp, 24 bytes
{
    public ulong Id;    // @0
    public long Val;    // @8
    public int Error;   // @16
    public uint Flags;  // @20
}
