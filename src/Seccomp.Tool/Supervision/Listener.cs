// One USER_NOTIF listener a process handed over to the supervisor.

using System.Collections.Generic;

namespace Seccomp.Tool;

/// <summary>A listener fd taken over from <see cref="Pid"/>, and the policy that process applied (null: the recorder's
/// own filter, installed by the startup hook).</summary>
internal sealed class Listener
{
    public int Fd;
    public int Pid;
    public AppliedPolicy? Policy;
    /// <summary>The fds the runtime's handshake closes after the ack (listener, lock): let through, never recorded.</summary>
    public readonly HashSet<long> HandshakeCloses = new();
}
