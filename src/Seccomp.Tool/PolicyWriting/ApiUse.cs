// What the app's own code calls, read from its IL metadata: a recording shows the paths one run took, the assembly shows
// the API areas every run may reach. `policy` allows the measured group of an area the app's code calls even when the
// recorded run never went there (File.Move on the second run only, a named Mutex, a FileSystemWatcher).

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;

namespace Seccomp.Tool;

/// <summary>The capability groups an app's assemblies call into, with the APIs that show it (File.Move, Process.Start).</summary>
internal static class ApiUse
{
    /// <summary>
    /// A framework API that belongs to a capability group: its type, the member (null: any member of the type; ".ctor"
    /// with <paramref name="MinParameters"/> to tell a named Mutex from an unnamed one).
    /// </summary>
    private sealed record Api(string Group, string Type, string? Member, int MinParameters = 0);

    private static readonly Api[] s_apis =
    {
        // @file-system: System.IO beyond open, read, write, stat and enumerate (which @dotnet-runtime holds).
        new("@file-system", "System.IO.File", "Move"), new("@file-system", "System.IO.File", "Replace"),
        new("@file-system", "System.IO.File", "Delete"), new("@file-system", "System.IO.File", "Copy"),
        new("@file-system", "System.IO.File", "CreateSymbolicLink"), new("@file-system", "System.IO.File", "SetAttributes"),
        new("@file-system", "System.IO.File", "SetUnixFileMode"), new("@file-system", "System.IO.File", "SetLastWriteTime"),
        new("@file-system", "System.IO.File", "SetLastWriteTimeUtc"), new("@file-system", "System.IO.File", "SetLastAccessTime"),
        new("@file-system", "System.IO.File", "SetLastAccessTimeUtc"), new("@file-system", "System.IO.File", "SetCreationTime"),
        new("@file-system", "System.IO.File", "SetCreationTimeUtc"),
        new("@file-system", "System.IO.Directory", "Delete"), new("@file-system", "System.IO.Directory", "Move"),
        new("@file-system", "System.IO.Directory", "CreateSymbolicLink"), new("@file-system", "System.IO.Directory", "SetLastWriteTime"),
        new("@file-system", "System.IO.Directory", "SetLastWriteTimeUtc"),
        new("@file-system", "System.IO.FileInfo", "MoveTo"), new("@file-system", "System.IO.FileInfo", "CopyTo"),
        new("@file-system", "System.IO.FileInfo", "Replace"), new("@file-system", "System.IO.FileInfo", "Delete"),
        new("@file-system", "System.IO.DirectoryInfo", "MoveTo"), new("@file-system", "System.IO.DirectoryInfo", "Delete"),
        new("@file-system", "System.IO.FileSystemInfo", "Delete"), new("@file-system", "System.IO.FileSystemInfo", "CreateAsSymbolicLink"),
        new("@file-system", "System.IO.FileSystemInfo", "set_Attributes"), new("@file-system", "System.IO.FileSystemInfo", "set_UnixFileMode"),
        new("@file-system", "System.IO.FileSystemInfo", "set_LastWriteTime"), new("@file-system", "System.IO.FileSystemInfo", "set_LastWriteTimeUtc"),
        new("@file-system", "System.IO.FileSystemWatcher", null),
        new("@file-system", "System.IO.MemoryMappedFiles.MemoryMappedFile", null),
        // A named Mutex, Semaphore or EventWaitHandle is a file under /tmp/.dotnet/shm, made with mkdir and chmod.
        new("@file-system", "System.Threading.Mutex", ".ctor", 2), new("@file-system", "System.Threading.Mutex", "OpenExisting"),
        new("@file-system", "System.Threading.Mutex", "TryOpenExisting"),
        new("@file-system", "System.Threading.Semaphore", ".ctor", 3), new("@file-system", "System.Threading.EventWaitHandle", ".ctor", 3),
        // @process
        new("@process", "System.Diagnostics.Process", "Start"), new("@process", "System.Diagnostics.Process", "Kill"),
        new("@process", "System.Diagnostics.ProcessStartInfo", ".ctor"),
        // @http-client: outbound connections and name resolution.
        new("@http-client", "System.Net.Http.HttpClient", null), new("@http-client", "System.Net.Http.SocketsHttpHandler", null),
        new("@http-client", "System.Net.Sockets.Socket", "Connect"), new("@http-client", "System.Net.Sockets.Socket", "ConnectAsync"),
        new("@http-client", "System.Net.Sockets.TcpClient", null), new("@http-client", "System.Net.Sockets.UdpClient", null),
        new("@http-client", "System.Net.Dns", null), new("@http-client", "System.Net.WebRequest", "Create"),
        // @aspnetcore: a listening socket.
        new("@aspnetcore", "System.Net.Sockets.TcpListener", null), new("@aspnetcore", "System.Net.Sockets.Socket", "Listen"),
        new("@aspnetcore", "System.Net.HttpListener", null), new("@aspnetcore", "Microsoft.AspNetCore.Builder.WebApplication", null),
        new("@aspnetcore", "Microsoft.AspNetCore.Hosting.WebHostBuilderExtensions", null),
        // @sqlite
        new("@sqlite", "Microsoft.Data.Sqlite.SqliteConnection", null),
    };

    /// <summary>
    /// The groups <paramref name="entry"/> and the assemblies beside it that it references (its NuGet dependencies; not
    /// the shared framework's, which the groups measure) call into, each with the APIs that show it, by group.
    /// </summary>
    public static SortedDictionary<string, SortedSet<string>> Scan(string entry, out List<string> scanned)
    {
        var found = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        scanned = new List<string>();
        string dir = Path.GetDirectoryName(Path.GetFullPath(entry))!;
        var framework = FrameworkAssemblyNames();
        var queue = new Queue<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        queue.Enqueue(Path.GetFullPath(entry));
        while (queue.Count > 0)
        {
            string path = queue.Dequeue();
            if (!seen.Add(path) || !File.Exists(path)) continue;
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            MetadataReader md;
            try
            {
                if (!pe.HasMetadata) continue;
                md = pe.GetMetadataReader();
            }
            catch (BadImageFormatException) when (seen.Count > 1)
            {
                continue; // a dependency that is not a .NET assembly: nothing to read (the entry's own failure is the caller's)
            }
            scanned.Add(Path.GetFileName(path));
            foreach (var handle in md.MemberReferences)
            {
                var member = md.GetMemberReference(handle);
                if (member.Parent.Kind != HandleKind.TypeReference) continue;
                var type = md.GetTypeReference((TypeReferenceHandle)member.Parent);
                string typeName = md.GetString(type.Namespace) + "." + md.GetString(type.Name);
                string name = md.GetString(member.Name);
                foreach (var api in s_apis)
                {
                    if (api.Type != typeName || (api.Member != null && api.Member != name)) continue;
                    if (api.MinParameters > 0 && ParameterCount(md, member) < api.MinParameters) continue;
                    if (!found.TryGetValue(api.Group, out var apis)) found[api.Group] = apis = new SortedSet<string>(StringComparer.Ordinal);
                    // A type that is the area as a whole (FileSystemWatcher, HttpClient) is named alone; a member by name.
                    string shortType = typeName.Substring(typeName.LastIndexOf('.') + 1);
                    apis.Add(api.Member == null ? shortType : shortType + "." + (name == ".ctor" ? "new" : name.Replace("set_", "")));
                }
            }
            // The app's own dependencies, where they sit beside it; never the shared framework's assemblies.
            foreach (var r in md.AssemblyReferences)
            {
                string refName = md.GetString(md.GetAssemblyReference(r).Name);
                if (framework.Contains(refName)) continue;
                string candidate = Path.Combine(dir, refName + ".dll");
                if (File.Exists(candidate)) queue.Enqueue(candidate);
            }
        }
        return found;
    }

    private static int ParameterCount(MetadataReader md, MemberReference member)
    {
        var blob = md.GetBlobReader(member.Signature);
        var header = blob.ReadSignatureHeader();
        if (header.IsGeneric) blob.ReadCompressedInteger();
        return blob.ReadCompressedInteger();
    }

    /// <summary>The names of the shared frameworks' assemblies (Microsoft.NETCore.App and its siblings, as this tool runs on).</summary>
    private static HashSet<string> FrameworkAssemblyNames()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "netstandard", "mscorlib", "Seccomp" };
        string runtimeDir = RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar);
        string? shared = Path.GetDirectoryName(Path.GetDirectoryName(runtimeDir));
        if (shared != null && Directory.Exists(shared))
            foreach (var fx in Directory.EnumerateDirectories(shared))
                foreach (var version in Directory.EnumerateDirectories(fx))
                    foreach (var dll in Directory.EnumerateFiles(version, "*.dll"))
                        names.Add(Path.GetFileNameWithoutExtension(dll));
        return names;
    }
}
