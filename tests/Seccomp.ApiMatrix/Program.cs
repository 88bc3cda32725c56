using Seccomp.ApiMatrix;

// Usage: Seccomp.ApiMatrix CASE [--enforce] [ARG...]
// One case of an API area per run; --enforce applies the area's KillProcess policy first (@dotnet-runtime plus the
// area's group), so a call the groups lack ends the run with SIGSYS (exit status 159) instead of "case ... passed".
// `Seccomp.ApiMatrix drive ...` is the unfiltered other side of the web and client cases (Driver.cs).
if (args.Length > 0 && args[0] == "drive") return await Driver.Run(args[1..]);
if (args.Length > 0 && args[0] == "serve") return await Servers.Run();
if (args.Length == 0 || !Cases.All.ContainsKey(args[0]))
{
    Console.Error.WriteLine("usage: Seccomp.ApiMatrix CASE [--enforce] [ARG...]; cases: " + string.Join(", ", Cases.All.Keys));
    return 2;
}
var (area, run) = Cases.All[args[0]];
var rest = args[1..].Where(a => a != "--enforce").ToArray();
if (args.Contains("--enforce"))
{
    switch (area)
    {
        case Area.FileSystem: FileSystemPolicy.Apply(); break;
        case Area.Sqlite: SqlitePolicy.Apply(); break;
        case Area.AspNetCore: AspNetCorePolicy.Apply(); break;
        case Area.HttpClient: HttpClientPolicy.Apply(); break;
    }
}
int code = await run(rest);
Console.Out.WriteLine("case " + args[0] + " passed");
Console.Out.Flush();
return code;

namespace Seccomp.ApiMatrix
{
    internal enum Area { FileSystem, Sqlite, AspNetCore, HttpClient }

    internal static class Cases
    {
        public static readonly Dictionary<string, (Area Area, Func<string[], Task<int>> Run)> All = new()
        {
            ["fs-readwrite"] = (Area.FileSystem, Sync(FileSystemCases.ReadWrite)),
            ["fs-directories"] = (Area.FileSystem, Sync(FileSystemCases.Directories)),
            ["fs-rename-delete"] = (Area.FileSystem, Sync(FileSystemCases.RenameDelete)),
            ["fs-copy"] = (Area.FileSystem, Sync(FileSystemCases.Copy)),
            ["fs-watch"] = (Area.FileSystem, Sync(FileSystemCases.Watch)),
            ["fs-locks"] = (Area.FileSystem, Sync(FileSystemCases.Locks)),
            ["fs-errors"] = (Area.FileSystem, Sync(FileSystemCases.Errors)),
            ["sqlite-journal"] = (Area.Sqlite, Sync(SqliteCases.Journal)),
            ["sqlite-wal"] = (Area.Sqlite, Sync(SqliteCases.Wal)),
            ["sqlite-locking"] = (Area.Sqlite, Sync(SqliteCases.Locking)),
            ["sqlite-errors"] = (Area.Sqlite, Sync(SqliteCases.Errors)),
            ["web-http1"] = (Area.AspNetCore, WebCases.Http1),
            ["web-http2"] = (Area.AspNetCore, WebCases.Http2),
            ["web-unix"] = (Area.AspNetCore, WebCases.Unix),
            ["web-reload"] = (Area.AspNetCore, WebCases.Reload),
            ["web-https"] = (Area.AspNetCore, WebCases.Https),
            // Run by netns.sh, with the servers of Servers.cs.
            ["client-http"] = (Area.HttpClient, ClientCases.Http),
            ["client-errors"] = (Area.HttpClient, ClientCases.Errors),
            ["client-sockets"] = (Area.HttpClient, ClientCases.Sockets),
            ["client-names"] = (Area.HttpClient, ClientCases.Names),
        };

        private static Func<string[], Task<int>> Sync(Func<int> f) => _ => Task.FromResult(f());

        /// <summary>A fresh directory under the temporary folder for one case, removed by the caller.</summary>
        public static string Scratch(string name)
        {
            string dir = Path.Combine(Path.GetTempPath(), "apimatrix-" + name + "-" + Environment.ProcessId);
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
            Directory.CreateDirectory(dir);
            return dir;
        }

        public static void Check(bool condition, string what)
        {
            if (!condition) throw new InvalidOperationException("check failed: " + what);
        }
    }
}
