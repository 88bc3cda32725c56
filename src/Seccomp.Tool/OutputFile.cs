// Where a verb writes its result (-o). Checked before any work starts, so that a mistyped -o costs nothing: `record`
// would otherwise run the whole workload and fail only at the end. Written at the end with a fallback, so that a
// place that stopped taking files meanwhile (a removed directory, a full disk, a closed pipe) never loses a
// recording, which may not be possible to make again.

using System;
using System.IO;

namespace Seccomp.Tool;

internal static class OutputFile
{
    /// <summary>The -o value that means standard output.</summary>
    public const string StandardOutput = "-";

    /// <summary>
    /// Null when <paramref name="path"/> can be written (- is standard output where <paramref name="standardOutput"/>); otherwise one line that names it and says why not (a
    /// directory, a missing parent, a parent that is a file, a place that refuses a new file).
    /// </summary>
    public static string? Check(string path, bool standardOutput = true)
    {
        if (path == StandardOutput && standardOutput) return null;
        string shown = SourceText.Escape(path);
        if (path.Length == 0) return "cannot write \"\": an empty path";
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return $"cannot write {shown}: {SourceText.Escape(e.Message.TrimEnd('.'))}";
        }
        if (Directory.Exists(full)) return $"cannot write {shown}: it is a directory";
        string? parent = Path.GetDirectoryName(full.TrimEnd('/'));
        if (parent != null && !Directory.Exists(parent))
            return File.Exists(parent)
                ? $"cannot write {shown}: {SourceText.Escape(parent)} is a file, not a directory"
                : $"cannot write {shown}: directory {SourceText.Escape(parent)} does not exist";
        if (full.EndsWith('/')) return $"cannot write {shown}: directory {SourceText.Escape(full)} does not exist";
        // Only trying tells: root passes every permission check, yet a read-only mount or /proc takes no new file.
        // An existing file is opened for writing without truncating it; a new one is created and removed again.
        try
        {
            if (File.Exists(full))
            {
                using (new FileStream(full, FileMode.Open, FileAccess.Write)) { }
            }
            else
            {
                using (new FileStream(full, FileMode.CreateNew, FileAccess.Write)) { }
                File.Delete(full);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot write {shown}: {SourceText.Escape(e.Message.TrimEnd('.'))}";
        }
        return null;
    }

    /// <summary>
    /// Writes <paramref name="write"/>'s bytes to <paramref name="path"/> (standard output for -). When that fails,
    /// writes them to a new file in the temporary directory instead (created exclusively, mode 0600: nobody else can
    /// have planted it) and says so on stderr. Returns where the bytes are, or null when even the fallback failed.
    /// </summary>
    public static string? Write(string path, string what, Action<Stream> write, bool standardOutput = true)
    {
        try
        {
            if (path == StandardOutput && standardOutput)
            {
                using var stdout = Console.OpenStandardOutput();
                write(stdout);
                stdout.Flush();
            }
            else
            {
                using var file = File.Create(path);
                write(file);
            }
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string first = $"cannot write {SourceText.Escape(path)}: {SourceText.Escape(e.Message.TrimEnd('.'))}";
            string? fallback = WriteFallback(path, write, out string? error);
            if (fallback != null)
                Program.Fail(ExitCodes.BadInput, $"{first}; the {what} was written to {SourceText.Escape(fallback)} instead");
            else
                Program.Fail(ExitCodes.BadInput, $"{first}; nor to a file in {SourceText.Escape(Path.GetTempPath())}: {SourceText.Escape(error ?? "")}");
            return fallback;
        }
    }

    private static string? WriteFallback(string path, Action<Stream> write, out string? error)
    {
        string name = path == StandardOutput ? "recording" : Path.GetFileNameWithoutExtension(path);
        string extension = path == StandardOutput ? ".json" : Path.GetExtension(path);
        error = null;
        for (int attempt = 0; attempt < 8; attempt++)
        {
            string candidate = Path.Combine(Path.GetTempPath(), $"dotnet-seccomp-{name}-{Guid.NewGuid().ToString("N").Substring(0, 8)}{extension}");
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            FileStream file;
            try
            {
                file = new FileStream(candidate, options);
            }
            catch (IOException) when (File.Exists(candidate))
            {
                continue; // a name clash: another name
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error = e.Message;
                return null;
            }
            try
            {
                using (file) write(file);
                return candidate;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error = e.Message;
                return null;
            }
        }
        return null;
    }
}
