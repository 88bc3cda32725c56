using System.Text;

namespace Seccomp.ApiMatrix;

/// <summary>System.IO: what a service does with files, success and error paths (issue 19, item 2: @file-system).</summary>
internal static class FileSystemCases
{
    /// <summary>Write, read, append, small and large (4 MiB) payloads, random access, sizes, times, modes, a temp file.</summary>
    public static int ReadWrite()
    {
        string dir = Cases.Scratch("readwrite");
        string f = Path.Combine(dir, "a.txt");
        File.WriteAllText(f, "hello");
        File.AppendAllText(f, " world");
        File.AppendAllLines(f, new[] { "", "line" });
        Cases.Check(File.ReadAllText(f).StartsWith("hello world"), "read back");
        var big = new byte[4 << 20];
        Random.Shared.NextBytes(big);
        string b = Path.Combine(dir, "big.bin");
        File.WriteAllBytes(b, big);
        Cases.Check(File.ReadAllBytes(b).AsSpan().SequenceEqual(big), "big read back");
        using (var fs = new FileStream(b, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, 4096, FileOptions.RandomAccess))
        {
            fs.Seek(1000, SeekOrigin.Begin);
            fs.Write(new byte[] { 1, 2, 3 });
            fs.Position = 1000;
            var three = new byte[3];
            fs.ReadExactly(three);
            Cases.Check(three[2] == 3, "random access");
            fs.SetLength(1 << 20);
        }
        using (var fs = new FileStream(b, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan))
        {
            var buf = new byte[65536];
            long total = 0;
            int n;
            while ((n = fs.ReadAsync(buf).AsTask().Result) > 0) total += n;
            Cases.Check(total == 1 << 20, "async read of the truncated file");
        }
        using (var handle = File.OpenHandle(b, FileMode.Open, FileAccess.ReadWrite))
        {
            RandomAccess.Write(handle, new byte[] { 9 }, 5);
            var one = new byte[1];
            RandomAccess.Read(handle, one, 5);
            Cases.Check(one[0] == 9 && RandomAccess.GetLength(handle) == 1 << 20, "RandomAccess");
        }
        using (var writer = new StreamWriter(Path.Combine(dir, "lines.txt"), append: true, Encoding.UTF8))
            for (int i = 0; i < 1000; i++) writer.WriteLine(i);
        Cases.Check(File.ReadLines(Path.Combine(dir, "lines.txt")).Count() == 1000, "lines");
        using (var mapped = System.IO.MemoryMappedFiles.MemoryMappedFile.CreateFromFile(Path.Combine(dir, "mapped"), FileMode.Create, null, 1 << 16))
        using (var view = mapped.CreateViewAccessor())
        {
            view.Write(100, 42L);
            view.Flush();
            Cases.Check(view.ReadInt64(100) == 42, "memory-mapped file");
        }
        var info = new FileInfo(f);
        Cases.Check(info.Exists && info.Length > 10, "FileInfo");
        File.SetLastWriteTimeUtc(f, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        File.SetLastAccessTimeUtc(f, new DateTime(2020, 1, 2, 0, 0, 0, DateTimeKind.Utc));
        Cases.Check(File.GetLastWriteTimeUtc(f).Year == 2020, "times");
        File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Cases.Check(File.GetUnixFileMode(f) == (UnixFileMode.UserRead | UnixFileMode.UserWrite), "mode");
        File.SetAttributes(f, FileAttributes.ReadOnly);
        File.SetAttributes(f, FileAttributes.Normal);
        string temp = Path.GetTempFileName();
        File.WriteAllText(temp, "temp");
        File.Delete(temp);
        using (var tmp = new FileStream(Path.Combine(dir, "gone.tmp"), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 4096, FileOptions.DeleteOnClose))
            tmp.WriteByte(1);
        Cases.Check(!File.Exists(Path.Combine(dir, "gone.tmp")), "DeleteOnClose");
        Directory.Delete(dir, true);
        Console.Out.WriteLine("fs-readwrite: ok");
        return 0;
    }

    /// <summary>Nested directories, moves, recursive enumeration with patterns, links, recursive delete.</summary>
    public static int Directories()
    {
        string dir = Cases.Scratch("dirs");
        for (int i = 0; i < 5; i++)
        {
            var sub = Directory.CreateDirectory(Path.Combine(dir, "d" + i, "inner", "deeper"));
            File.WriteAllText(Path.Combine(sub.FullName, "f" + i + ".txt"), "x");
            File.WriteAllText(Path.Combine(dir, "d" + i, "g" + i + ".log"), "y");
        }
        Cases.Check(Directory.EnumerateFiles(dir, "*.txt", SearchOption.AllDirectories).Count() == 5, "enumerate *.txt");
        Cases.Check(Directory.GetFileSystemEntries(dir).Length == 5, "entries");
        var options = new EnumerationOptions { RecurseSubdirectories = true, MatchCasing = MatchCasing.CaseInsensitive, AttributesToSkip = 0 };
        Cases.Check(new DirectoryInfo(dir).EnumerateFileSystemInfos("*.LOG", options).Count() == 5, "case-insensitive enumeration");
        long size = new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        Cases.Check(size == 10, "sizes");
        Directory.Move(Path.Combine(dir, "d0"), Path.Combine(dir, "moved"));
        Cases.Check(Directory.Exists(Path.Combine(dir, "moved", "inner")), "directory move");
        var link = Directory.CreateSymbolicLink(Path.Combine(dir, "link"), Path.Combine(dir, "moved"));
        Cases.Check(link.LinkTarget != null && Directory.Exists(Path.Combine(dir, "link", "inner")), "directory link");
        File.CreateSymbolicLink(Path.Combine(dir, "flink"), Path.Combine(dir, "d1", "g1.log"));
        Cases.Check(File.ResolveLinkTarget(Path.Combine(dir, "flink"), true)!.Exists, "file link");
        Directory.SetCurrentDirectory(dir);
        Cases.Check(Directory.GetCurrentDirectory() == dir, "current directory");
        Directory.SetCurrentDirectory(Path.GetTempPath());
        Directory.Delete(Path.Combine(dir, "d2"), recursive: true);
        Directory.CreateDirectory(Path.Combine(dir, "empty"));
        Directory.Delete(Path.Combine(dir, "empty"));
        var tempDir = Directory.CreateTempSubdirectory("apimatrix");
        tempDir.Delete();
        Directory.CreateDirectory(Path.Combine(dir, "private"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.Delete(dir, true);
        Console.Out.WriteLine("fs-directories: ok");
        return 0;
    }

    /// <summary>File.Move (with and without overwrite, across directories), File.Replace with a backup, deletes.</summary>
    public static int RenameDelete()
    {
        string dir = Cases.Scratch("rename");
        string a = Path.Combine(dir, "a"), b = Path.Combine(dir, "b"), c = Path.Combine(dir, "c");
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        File.WriteAllText(a, "a");
        File.WriteAllText(b, "b");
        File.Move(a, c);
        File.Move(c, b, overwrite: true);
        Cases.Check(File.ReadAllText(b) == "a", "move over");
        try { File.WriteAllText(a, "a2"); File.Move(a, b); Cases.Check(false, "move onto an existing file"); }
        catch (IOException) { }
        File.Move(b, Path.Combine(dir, "sub", "b"));
        File.WriteAllText(c, "new");
        File.Replace(c, Path.Combine(dir, "sub", "b"), Path.Combine(dir, "backup"));
        Cases.Check(File.ReadAllText(Path.Combine(dir, "sub", "b")) == "new" && File.Exists(Path.Combine(dir, "backup")), "replace");
        // Write to a temporary name, then rename over: the atomic save.
        string target = Path.Combine(dir, "settings.json");
        for (int i = 0; i < 3; i++)
        {
            File.WriteAllText(target + ".tmp", "{\"n\":" + i + "}");
            File.Move(target + ".tmp", target, true);
        }
        File.Delete(a);
        File.Delete(Path.Combine(dir, "does-not-exist")); // no error for a missing file
        File.Delete(Path.Combine(dir, "backup"));
        Directory.Delete(dir, true);
        Console.Out.WriteLine("fs-rename-delete: ok");
        return 0;
    }

    /// <summary>File.Copy of small and large files, with overwrite, CopyTo, a stream copy.</summary>
    public static int Copy()
    {
        string dir = Cases.Scratch("copy");
        string small = Path.Combine(dir, "small"), big = Path.Combine(dir, "big");
        File.WriteAllText(small, "small");
        var bytes = new byte[3 << 20];
        Random.Shared.NextBytes(bytes);
        File.WriteAllBytes(big, bytes);
        File.Copy(small, Path.Combine(dir, "small2"));
        File.Copy(big, Path.Combine(dir, "big2"));
        File.Copy(big, Path.Combine(dir, "small2"), overwrite: true);
        Cases.Check(new FileInfo(Path.Combine(dir, "small2")).Length == bytes.Length, "copy over");
        try { File.Copy(small, Path.Combine(dir, "big2")); Cases.Check(false, "copy onto an existing file"); }
        catch (IOException) { }
        new FileInfo(big).CopyTo(Path.Combine(dir, "big3"));
        using (var from = File.OpenRead(big))
        using (var to = File.Create(Path.Combine(dir, "big4")))
            from.CopyTo(to);
        using (var from = File.OpenRead(big))
        using (var to = File.Create(Path.Combine(dir, "big5")))
            from.CopyToAsync(to).Wait();
        Cases.Check(File.ReadAllBytes(Path.Combine(dir, "big5")).AsSpan().SequenceEqual(bytes), "stream copy");
        // Across file systems (the scratch folder's to tmpfs and back), where copy_file_range may not apply.
        if (Directory.Exists("/dev/shm"))
        {
            string shm = Path.Combine("/dev/shm", "apimatrix-copy-" + Environment.ProcessId);
            File.Copy(big, shm, overwrite: true);
            File.Copy(shm, Path.Combine(dir, "back"));
            File.Move(shm, Path.Combine(dir, "moved-across"));   // rename fails with EXDEV: the move copies and deletes
            Cases.Check(File.ReadAllBytes(Path.Combine(dir, "moved-across")).AsSpan().SequenceEqual(bytes) && !File.Exists(shm), "cross-device copy and move");
        }
        Directory.Delete(dir, true);
        Console.Out.WriteLine("fs-copy: ok");
        return 0;
    }

    /// <summary>FileSystemWatcher on a tree: created, changed, renamed, deleted, in a subdirectory too; stopped and disposed.</summary>
    public static int Watch()
    {
        string dir = Cases.Scratch("watch");
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var all = new CountdownEvent(4);
        using (var watcher = new FileSystemWatcher(dir) { IncludeSubdirectories = true, NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.DirectoryName })
        {
            bool created = false, changed = false, renamed = false, deleted = false;
            void Once(ref bool flag, string what) { if (!flag) { flag = true; seen.Enqueue(what); all.Signal(); } }
            watcher.Created += (_, e) => Once(ref created, "created " + e.Name);
            watcher.Changed += (_, e) => Once(ref changed, "changed " + e.Name);
            watcher.Renamed += (_, e) => Once(ref renamed, "renamed " + e.Name);
            watcher.Deleted += (_, e) => Once(ref deleted, "deleted " + e.Name);
            watcher.EnableRaisingEvents = true;
            string f = Path.Combine(dir, "sub", "w.txt");
            File.WriteAllText(f, "1");
            Thread.Sleep(100);
            File.AppendAllText(f, "2");
            Thread.Sleep(100);
            File.Move(f, f + ".renamed");
            Thread.Sleep(100);
            File.Delete(f + ".renamed");
            Directory.CreateDirectory(Path.Combine(dir, "sub", "newdir"));
            Cases.Check(all.Wait(10_000), "watcher events: " + string.Join(", ", seen));
            watcher.EnableRaisingEvents = false;
            watcher.EnableRaisingEvents = true;
        }
        // A second watcher on a single file's directory with a filter, then one on a directory removed under it.
        using (var single = new FileSystemWatcher(dir, "only.txt"))
        {
            using var hit = new ManualResetEventSlim();
            single.Created += (_, _) => hit.Set();
            single.EnableRaisingEvents = true;
            File.WriteAllText(Path.Combine(dir, "only.txt"), "x");
            Cases.Check(hit.Wait(10_000), "filtered watcher");
        }
        Directory.Delete(dir, true);
        Console.Out.WriteLine("fs-watch: " + string.Join(", ", seen));
        return 0;
    }

    /// <summary>
    /// FileShare.None (flock, so a second open fails), FileStream.Lock/Unlock (fcntl record locks, a conflicting range
    /// fails), Flush(true) (fsync), FileOptions.WriteThrough (O_SYNC), preallocation.
    /// </summary>
    public static int Locks()
    {
        string dir = Cases.Scratch("locks");
        string f = Path.Combine(dir, "locked");
        using (var owner = new FileStream(f, FileMode.Create, FileAccess.ReadWrite, FileShare.None))
        {
            owner.Write(new byte[100]);
            owner.Flush(flushToDisk: true);
            try { using var second = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite); Cases.Check(false, "second open of a FileShare.None file"); }
            catch (IOException) { }
        }
        using (var shared = new FileStream(f, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
        using (var other = new FileStream(f, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            shared.Lock(0, 10);
            // Record locks belong to the process: a second descriptor of the same process does not conflict, so the
            // conflict is checked from another process's view with F_GETLK-free means: Unlock and re-Lock.
            other.Lock(20, 10);
            shared.Unlock(0, 10);
            other.Unlock(20, 10);
            shared.Lock(0, 100);
            shared.Unlock(0, 100);
        }
        using (var sync = new FileStream(Path.Combine(dir, "sync"), FileMode.Create, FileAccess.Write, FileShare.Read, 4096, FileOptions.WriteThrough))
        {
            sync.Write(new byte[8192]);
            sync.Flush(true);
        }
        using (var pre = new FileStream(Path.Combine(dir, "pre"), new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, PreallocationSize = 1 << 20 }))
            pre.WriteByte(1);
        using (var w = new StreamWriter(Path.Combine(dir, "flushed")))
        {
            w.Write("x");
            w.Flush();
            ((FileStream)w.BaseStream).Flush(true);
        }
        Directory.Delete(dir, true);
        Console.Out.WriteLine("fs-locks: ok");
        return 0;
    }

    /// <summary>The error paths: missing file and directory, a directory opened as a file, a file used as a directory,
    /// a read-only file written, a non-empty directory deleted, a path too long.</summary>
    public static int Errors()
    {
        string dir = Cases.Scratch("errors");
        int caught = 0;
        void Expect<T>(Action a) where T : Exception
        {
            try { a(); }
            catch (T) { caught++; return; }
            throw new InvalidOperationException("no " + typeof(T).Name);
        }
        Expect<FileNotFoundException>(() => File.ReadAllText(Path.Combine(dir, "missing")));
        Expect<FileNotFoundException>(() => new FileStream(Path.Combine(dir, "missing"), FileMode.Open).Dispose());
        Expect<DirectoryNotFoundException>(() => File.ReadAllText(Path.Combine(dir, "no", "such")));
        Expect<DirectoryNotFoundException>(() => Directory.EnumerateFiles(Path.Combine(dir, "nodir")).ToList());
        Expect<UnauthorizedAccessException>(() => File.ReadAllText(dir));            // a directory opened as a file
        Expect<UnauthorizedAccessException>(() => File.WriteAllText(dir, "x"));
        File.WriteAllText(Path.Combine(dir, "file"), "x");
        Expect<IOException>(() => Directory.CreateDirectory(Path.Combine(dir, "file")));
        Expect<IOException>(() => File.ReadAllText(Path.Combine(dir, "file", "child"))); // a file used as a directory
        Directory.CreateDirectory(Path.Combine(dir, "full"));
        File.WriteAllText(Path.Combine(dir, "full", "x"), "x");
        Expect<IOException>(() => Directory.Delete(Path.Combine(dir, "full")));
        Expect<FileNotFoundException>(() => File.Move(Path.Combine(dir, "missing"), Path.Combine(dir, "m2")));
        Expect<FileNotFoundException>(() => File.Copy(Path.Combine(dir, "missing"), Path.Combine(dir, "m3")));
        Expect<PathTooLongException>(() => File.ReadAllText(Path.Combine(dir, new string('n', 300))));
        Expect<IOException>(() => File.ReadAllText("/proc/self/mem"));
        Cases.Check(!File.Exists(Path.Combine(dir, "missing")) && !Directory.Exists(Path.Combine(dir, "file")), "Exists");
        Directory.Delete(dir, true);
        Console.Out.WriteLine($"fs-errors: {caught} exceptions as expected");
        return 0;
    }
}
