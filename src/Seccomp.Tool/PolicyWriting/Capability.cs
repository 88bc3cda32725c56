// A capability group `dotnet-seccomp policy` allows as a whole when a recording shows its API area in use: a recording
// shows the paths one run took, and the group holds the paths around them (measured per API area; SyscallGroups).

namespace Seccomp.Tool;

/// <summary>
/// A group, the recorded calls that show its API area is in use (<paramref name="Triggers"/>: any one of them not
/// allowed yet), and what the area is, for the comment above the rule.
/// </summary>
internal sealed record Capability(string Group, string[] Triggers, string Area, string[]? With = null)
{
    /// <summary>
    /// In the order they are written. Triggers are calls only that area makes: accept4 means a listening socket, which
    /// in a .NET service is Kestrel; vfork and wait4 mean Process.Start.
    /// </summary>
    public static readonly Capability[] All =
    {
        new("@aspnetcore", new[] { "listen", "accept4", "accept" }, "a listening socket (Kestrel and the generic host)"),
        new("@process", new[] { "vfork", "wait4", "waitid" }, "child processes (Process.Start, WaitForExit, Kill)"),
        // An outbound connection: HttpClient, Socket.ConnectAsync, and the name resolution around them.
        new("@http-client", new[] { "connect" }, "outbound connections (HttpClient, sockets) and name resolution"),
        // Files moved, linked, deleted, watched or given times and modes: System.IO beyond reading and writing. Not
        // inotify: Kestrel's configuration reload watches files too, and @aspnetcore holds that. Not msync: the runtime's
        // own unwinder makes it on aarch64 (@dotnet-runtime has it); a MemoryMappedFile is read from the app's code (ApiUse).
        new("@file-system", new[] { "rename", "renameat", "renameat2", "link", "linkat", "symlink", "symlinkat", "rmdir",
            "chmod", "utimensat", "chdir", "copy_file_range", "fallocate" }, "files moved, linked, deleted, with times and modes (System.IO)"),
        // SQLite run as root gives its journal and WAL files the database's owner: fchown is how a recording shows it.
        // Its renames and deletes are @file-system's, so the two come together.
        new("@sqlite", new[] { "fchown" }, "SQLite (Microsoft.Data.Sqlite)", With: new[] { "@file-system" }),
    };
}
