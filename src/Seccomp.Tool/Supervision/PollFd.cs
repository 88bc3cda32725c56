// struct pollfd, for poll(2) over the handshake pipe and the listeners.

using System.Runtime.InteropServices;

namespace Seccomp.Tool;

[StructLayout(LayoutKind.Sequential)]
internal struct PollFd
{
    public int Fd;
    public short Events;
    public short Revents;
}
