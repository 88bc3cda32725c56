// Issue 19's end-to-end console tool: TrialConsoleApp DIR OUT.gz
// Hashes every file under DIR in parallel (SHA-256), writes the list compressed to OUT.gz (an OUT.gz that exists is
// moved to OUT.gz.bak first), reads it back, lists DIR
// with /bin/ls in a child process, and prints a summary. Exit 0, or 2 on bad arguments.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;

#if SECCOMP_POLICY
TrialConsoleApp.ToolPolicy.Apply();
#endif
if (args.Length != 2 || !Directory.Exists(args[0]))
{
    Console.Error.WriteLine("usage: TrialConsoleApp DIR OUT.gz");
    return 2;
}
var hashes = new ConcurrentDictionary<string, string>();
Parallel.ForEach(Directory.EnumerateFiles(args[0], "*", SearchOption.AllDirectories), new ParallelOptions { MaxDegreeOfParallelism = 4 }, file =>
{
    using var stream = File.OpenRead(file);
    hashes[Path.GetRelativePath(args[0], file)] = Convert.ToHexString(SHA256.HashData(stream));
});
// An output that exists already is kept as OUT.gz.bak: a path the recorded run (a new output) never takes.
if (File.Exists(args[1])) File.Move(args[1], args[1] + ".bak", overwrite: true);
using (var output = new GZipStream(File.Create(args[1]), CompressionLevel.Optimal))
using (var writer = new StreamWriter(output))
    foreach (var (name, hash) in hashes.OrderBy(h => h.Key, StringComparer.Ordinal))
        writer.WriteLine($"{hash}  {name}");
int lines;
using (var input = new StreamReader(new GZipStream(File.OpenRead(args[1]), CompressionMode.Decompress)))
    lines = input.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
// The child starts under the filter (it inherits it): its exec and its exit are paths the policy must allow.
using var ls = Process.Start(new ProcessStartInfo("/bin/ls", new[] { "-la", args[0] }) { RedirectStandardOutput = true })!;
int listed = ls.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
ls.WaitForExit();
Console.WriteLine($"hashed {hashes.Count} files, {lines} lines compressed, ls listed {listed} lines, ls exit {ls.ExitCode}");
return ls.ExitCode == 0 && lines == hashes.Count ? 0 : 1;
