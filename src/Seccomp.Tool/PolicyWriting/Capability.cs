// A capability group `dotnet-seccomp policy` allows as a whole when a recording shows its API area in use: a recording
// shows the paths one run took, and the group holds the paths around them (measured per API area; SyscallGroups).

namespace Seccomp.Tool;

/// <summary>
/// A group, the recorded calls that show its API area is in use (<paramref name="Triggers"/>: any one of them not
/// allowed yet), and what the area is, for the comment above the rule.
/// </summary>
internal sealed record Capability(string Group, string[] Triggers, string Area)
{
    /// <summary>
    /// In the order they are written. Triggers are calls only that area makes: accept4 means a listening socket, which
    /// in a .NET service is Kestrel; vfork and wait4 mean Process.Start.
    /// </summary>
    public static readonly Capability[] All =
    {
        new("@aspnetcore", new[] { "listen", "accept4", "accept" }, "a listening socket (Kestrel and the generic host)"),
        new("@process", new[] { "vfork", "wait4", "waitid" }, "child processes (Process.Start, WaitForExit, Kill)"),
    };
}
