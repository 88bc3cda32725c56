// How a supervised run ended, for `record` and `check` to report.

using System.Collections.Generic;

namespace Seccomp.Tool;

internal sealed class SupervisorResult
{
    public int? CannotStart;
    public int ExitCode;
    public string? Failure;
    public long RecvEnoent, SendEnoent;
    public List<Listener> Listeners = new();
    /// <summary>Processes that refused what they were handed (the hook's digest check): the run proves nothing.</summary>
    public List<int> Refused = new();
}
