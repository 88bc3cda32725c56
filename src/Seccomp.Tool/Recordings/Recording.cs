// The recording: what a program called, per architecture and syscall name, with the distinct argument values seen.
// Written by `record` and `audit`, read (and merged) by `policy`. Format: docs/tool.md.

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Seccomp.Compiler;
using Seccomp.Compiler.Conditions;

namespace Seccomp.Tool;

/// <summary>A whole recording, or several merged.</summary>
internal sealed class Recording
{
    public const int FormatVersion = 1;

    public string Source { get; set; } = "record";
    public List<string> Command { get; set; } = new();
    public int? ExitCode { get; set; }
    public long Notifications { get; set; }
    public long RecvEnoent { get; set; }
    public long SendEnoent { get; set; }

    /// <summary>Processes seen (pid and command line) while recording.</summary>
    public SortedDictionary<int, string> ProcessList { get; } = new();
    public long ThreadCount { get; set; }

    /// <summary>Architecture name ("x86_64") to syscall name to stats.</summary>
    public SortedDictionary<string, SortedDictionary<string, SyscallStats>> Architectures { get; } = new(StringComparer.Ordinal);

    /// <summary>Calls of another ABI (e.g. i386 on an x86_64 kernel) by audit arch, then "nr_N", with counts. Never mapped to names.</summary>
    public SortedDictionary<string, SortedDictionary<string, long>> Foreign { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Every executable named by a call's <see cref="SyscallStats.Executables"/>, and whether it is a .NET program
    /// (RecordCommand decides: the dotnet host, or a process that mapped the runtime). Calls made only by programs
    /// that are not .NET come from a child the app started (a shell, /bin/ls), not from the app's own code.
    /// </summary>
    public SortedDictionary<string, bool> Executables { get; } = new(StringComparer.Ordinal);

    /// <summary>Notes an executable; a path seen as .NET once stays .NET (merged runs, an apphost seen before it mapped the runtime).</summary>
    public void NoteExecutable(string path, bool dotnet) =>
        Executables[path] = dotnet || (Executables.TryGetValue(path, out bool was) && was);

    public int DistinctCalls => Architectures.Values.Sum(a => a.Count);

    /// <summary>
    /// What `record --allow-group` and `--allow` let run unrecorded (group names without the @): calls no recording
    /// shows, so `policy` allows them as they were allowed, or the app dies on them once the policy is enforced.
    /// </summary>
    public SortedSet<string> AllowGroups { get; } = new(StringComparer.Ordinal);
    public SortedSet<string> AllowNames { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The commands of the recordings merged into this one and the command lines of their processes, each once, in the
    /// order met. Free text from the recordings: written into the policy's comments, always through SourceText.Escape.
    /// </summary>
    public List<string> MergedCommands { get; } = new();
    public List<string> MergedProcesses { get; } = new();

    /// <summary>The merged recordings' commands as their argument lists (untrusted: only ever a file name to read metadata from).</summary>
    public List<IReadOnlyList<string>> MergedArgv { get; } = new();

    /// <summary>The syscall's name in <paramref name="arch"/>'s table, x32 calls prefixed, unknown ones as nr_N.</summary>
    public static string SyscallName(ArchInfo arch, int nr)
    {
        if (arch.HasX32 && (nr & ArchInfo.X32SyscallBit) != 0)
            return "x32:" + (arch.TryGetName(nr & ~(int)ArchInfo.X32SyscallBit, out var n32) ? n32 : $"nr_{nr & ~(int)ArchInfo.X32SyscallBit}");
        return arch.TryGetName(nr, out var name) ? name : $"nr_{nr}";
    }

    /// <summary>The stats of a call, created with one ArgStats per parameter when <paramref name="withArgs"/>.</summary>
    public SyscallStats Get(ArchInfo arch, int nr, bool withArgs)
    {
        if (!Architectures.TryGetValue(arch.Name, out var calls))
            Architectures[arch.Name] = calls = new SortedDictionary<string, SyscallStats>(StringComparer.Ordinal);
        string name = SyscallName(arch, nr);
        if (!calls.TryGetValue(name, out var stats))
        {
            calls[name] = stats = new SyscallStats(name, nr);
            if (withArgs)
                stats.Args = ParametersOf(name, arch.Arch).Select(p => new ArgStats(p.Name, p.Type.Pointer)).ToList();
        }
        return stats;
    }

    /// <summary>The parameters of a call; for a name with no known prototype, six unnamed 64-bit arguments.</summary>
    public static IReadOnlyList<Parameter> ParametersOf(string name, SeccompArch arch)
    {
        var p = name.StartsWith("nr_", StringComparison.Ordinal) || name.StartsWith("x32:", StringComparison.Ordinal)
            ? null : Signatures.Get(name, arch);
        if (p != null) return p;
        return Enumerable.Range(0, 6).Select(i => new Parameter(i, $"arg{i}", ArgType.Unknown64)).ToList();
    }

    public void AddForeign(string arch, int nr)
    {
        if (!Foreign.TryGetValue(arch, out var calls))
            Foreign[arch] = calls = new SortedDictionary<string, long>(StringComparer.Ordinal);
        string key = $"nr_{nr}";
        calls[key] = calls.TryGetValue(key, out long c) ? c + 1 : 1;
    }

    /// <summary>Adds another recording: counts add up, value sets are joined, unknown arguments stay unknown.</summary>
    public void Merge(Recording other)
    {
        Notifications += other.Notifications;
        AllowGroups.UnionWith(other.AllowGroups);
        AllowNames.UnionWith(other.AllowNames);
        foreach (var (path, dotnet) in other.Executables) NoteExecutable(path, dotnet);
        string command = string.Join(" ", other.Command);
        if (command.Length > 0 && !MergedCommands.Contains(command)) { MergedCommands.Add(command); MergedArgv.Add(other.Command.ToArray()); }
        foreach (string p in other.ProcessList.Values)
            if (p.Length > 0 && !MergedProcesses.Contains(p)) MergedProcesses.Add(p);
        foreach (var (archName, calls) in other.Architectures)
        {
            if (!Architectures.TryGetValue(archName, out var mine))
                Architectures[archName] = mine = new SortedDictionary<string, SyscallStats>(StringComparer.Ordinal);
            foreach (var (name, theirs) in calls)
            {
                if (!mine.TryGetValue(name, out var s))
                {
                    mine[name] = s = new SyscallStats(name, theirs.Nr);
                    s.Args = theirs.Args?.Select(a => new ArgStats(a.Name, a.Pointer)).ToList();
                }
                else if (s.Args != null && (theirs.Args == null || theirs.Args.Count != s.Args.Count))
                {
                    s.Args = null; // some of the calls were seen without their arguments
                }
                s.Count += theirs.Count;
                s.Threads += theirs.Threads;
                s.Processes += theirs.Processes;
                foreach (string e in theirs.Executables) s.AddExecutable(e);
                if (s.Args != null && theirs.Args != null)
                {
                    for (int i = 0; i < s.Args.Count; i++)
                    {
                        if (theirs.Args[i].Many) s.Args[i].SetMany();
                        foreach (ulong v in theirs.Args[i].Values) s.Args[i].Add(v);
                    }
                }
            }
        }
        foreach (var (arch, calls) in other.Foreign)
            foreach (var (nr, count) in calls)
            {
                if (!Foreign.TryGetValue(arch, out var mine))
                    Foreign[arch] = mine = new SortedDictionary<string, long>(StringComparer.Ordinal);
                mine[nr] = mine.TryGetValue(nr, out long c) ? c + count : count;
            }
    }

    // ---- JSON -----------------------------------------------------------------------------------------------------

    /// <summary>Writes the recording to <paramref name="path"/> (- for standard output), or to a fallback file when that
    /// fails (<see cref="OutputFile.Write"/>); returns where it is, null when nowhere.</summary>
    public string? Write(string path) => OutputFile.Write(path, "recording", WriteTo);

    public void WriteTo(Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteNumber("version", FormatVersion);
        w.WriteString("source", Source);
        w.WriteStartArray("command");
        foreach (string c in Command) w.WriteStringValue(c);
        w.WriteEndArray();
        if (ExitCode is int code) w.WriteNumber("exitCode", code);
        w.WriteNumber("notifications", Notifications);
        if (Source == "record")
        {
            w.WriteNumber("recvEnoent", RecvEnoent);
            w.WriteNumber("sendEnoent", SendEnoent);
            w.WriteNumber("threads", ThreadCount);
            w.WriteStartArray("processes");
            foreach (var (pid, cmd) in ProcessList)
            {
                w.WriteStartObject();
                w.WriteNumber("pid", pid);
                w.WriteString("command", cmd);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteNumber("maxDistinctValues", ArgStats.MaxDistinct);
        if (AllowGroups.Count > 0)
        {
            w.WriteStartArray("allowGroups");
            foreach (string g in AllowGroups) w.WriteStringValue(g);
            w.WriteEndArray();
        }
        if (AllowNames.Count > 0)
        {
            w.WriteStartArray("allow");
            foreach (string n in AllowNames) w.WriteStringValue(n);
            w.WriteEndArray();
        }
        if (Executables.Count > 0)
        {
            w.WriteStartObject("executables");
            foreach (var (path, dotnet) in Executables)
            {
                w.WriteStartObject(path);
                w.WriteBoolean("dotnet", dotnet);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteStartObject("architectures");
        foreach (var (archName, calls) in Architectures)
        {
            w.WriteStartObject(archName);
            foreach (var (name, s) in calls)
            {
                w.WriteStartObject(name);
                if (s.Nr is int nr) w.WriteNumber("nr", nr);
                w.WriteNumber("count", s.Count);
                if (s.Args != null)
                {
                    w.WriteStartObject("args");
                    foreach (var a in s.Args)
                    {
                        w.WriteStartObject(a.Name);
                        if (a.Pointer) w.WriteBoolean("pointer", true);
                        else if (a.Many) w.WriteBoolean("many", true);
                        else
                        {
                            w.WriteStartArray("values");
                            foreach (ulong v in a.Values) w.WriteNumberValue(v);
                            w.WriteEndArray();
                        }
                        w.WriteEndObject();
                    }
                    w.WriteEndObject();
                }
                if (s.Executables.Count > 0)
                {
                    w.WriteStartArray("executables");
                    foreach (string e in s.Executables) w.WriteStringValue(e);
                    w.WriteEndArray();
                }
                if (s.Threads > 0) w.WriteNumber("threads", s.Threads);
                if (s.Processes > 0) w.WriteNumber("processes", s.Processes);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
        if (Foreign.Count > 0)
        {
            w.WriteStartObject("foreign");
            foreach (var (arch, calls) in Foreign)
            {
                w.WriteStartObject(arch);
                foreach (var (nr, count) in calls) w.WriteNumber(nr, count);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.Flush();
        stream.WriteByte((byte)'\n');
    }

    /// <summary>
    /// Reads a recording; throws <see cref="FormatException"/> with one line naming the file and the entry when it is
    /// not a valid one. Recordings travel (CI artefacts, merged runs, logs), so nothing in them is trusted: see
    /// <see cref="RecordingReader"/>.
    /// </summary>
    public static Recording Read(string path)
    {
        string text;
        if (path == "-")
        {
            using var stdin = new StreamReader(Console.OpenStandardInput());
            text = stdin.ReadToEnd();
        }
        else
        {
            text = File.ReadAllText(path);
        }
        string name = path == "-" ? "(standard input)" : path;
        // Detected by content: a recording is one JSON document with a version; a log of the in-process supervisor's
        // reports (stderr lines or JSON console logs) is read as one; anything else gets the recording reader's error.
        if (!IsRecordingDocument(text) && ReportLogParser.IsReportLog(text)) return ReportLogParser.Parse(name, text);
        return new RecordingReader(name).Read(text);
    }

    /// <summary>Whether the text is one JSON object with a "version" member (a recording, valid or not).</summary>
    private static bool IsRecordingDocument(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 16 });
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("version", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
