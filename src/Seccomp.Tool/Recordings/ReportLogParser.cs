// The in-process supervisor's reports (SeccompOptions.Complain / ReportViolations) as a recording, so that "deploy
// with Complain, collect the logs, generate, enforce" needs no root and no Debug build. Two forms, one per line:
//   (a) its stderr lines: `... seccomp-violation key=value ...` (anything before the marker: a container log's time);
//   (b) the hosting package's JSON console logs: {"Category":"Seccomp","EventId":1|2,"State":{...}}.
// A report with arguments is a call with its six values (as `record` sees one); a summary (the count of reports beyond
// the first ones, without arguments) is a call whose arguments are unknown, as an audit line. Like any recording, a log
// is untrusted input: every name is checked against the tables, every value must be a number in range, and anything
// else is refused with one line naming the file and the line.

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using Seccomp.Compiler;

namespace Seccomp.Tool;

internal sealed class ReportLogParser
{
    public const string Marker = "seccomp-violation ";
    private const string JsonCategory = "Seccomp";

    private static readonly string[] s_modes = { "complain", "enforce" };

    private readonly string _file;
    private readonly Recording _withArgs = new() { Source = "report" };
    private readonly Recording _summaries = new() { Source = "report" };
    /// <summary>Per (architecture, call), with or without arguments: the processes and threads that reported it.</summary>
    private readonly Dictionary<(string Arch, string Call), (HashSet<int> Pids, HashSet<int> Tids)> _ids = new();
    private readonly SortedSet<string> _policies = new(StringComparer.Ordinal);

    private ReportLogParser(string file) => _file = file;

    /// <summary>
    /// Whether <paramref name="text"/> is a report log: some line holds the marker of a stderr report, or is a JSON
    /// object of the Seccomp log category. A recording (one JSON document) is tried before this, so its own text (a
    /// command line that mentions the marker) never makes it one.
    /// </summary>
    public static bool IsReportLog(string text)
    {
        foreach (string line in Lines(text))
        {
            if (IsJsonObject(line)) { if (SeccompState(line) != null) return true; }
            else if (line.Contains(Marker, StringComparison.Ordinal)) return true;
        }
        return false;
    }

    /// <summary>The reports in <paramref name="text"/> as one recording; FormatException naming FILE:LINE on a bad report.</summary>
    public static Recording Parse(string file, string text)
    {
        var p = new ReportLogParser(file);
        int lineNumber = 0;
        foreach (string line in Lines(text))
        {
            lineNumber++;
            if (IsJsonObject(line))
            {
                if (SeccompState(line) is { } s) p.AddJson(s.State, s.EventId, lineNumber);
                continue; // JSON of another category: not a report
            }
            int at = line.IndexOf(Marker, StringComparison.Ordinal);
            if (at >= 0) p.AddText(line, at + Marker.Length, lineNumber);
        }
        return p.Finish();
    }

    private static IEnumerable<string> Lines(string text) => text.Split('\n').Select(l => l.TrimEnd('\r'));

    private static bool IsJsonObject(string line)
    {
        var t = line.AsSpan().Trim();
        return t.Length >= 2 && t[0] == '{' && t[^1] == '}';
    }

    /// <summary>The State and EventId of a JSON log line of the Seccomp category (EventId 1: a violation, 2: a summary), or null.</summary>
    private static (Dictionary<string, JsonElement> State, int EventId)? SeccompState(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 8 });
            var o = doc.RootElement;
            if (o.ValueKind != JsonValueKind.Object
                || !o.TryGetProperty("Category", out var c) || c.ValueKind != JsonValueKind.String || c.GetString() != JsonCategory
                || !o.TryGetProperty("EventId", out var e) || e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out int id) || id is not (1 or 2)
                || !o.TryGetProperty("State", out var state) || state.ValueKind != JsonValueKind.Object)
                return null;
            var d = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var p in state.EnumerateObject()) d[p.Name] = p.Value.Clone();
            return (d, id);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // ---- (a) stderr lines ---------------------------------------------------------------------------------------------

    private void AddText(string line, int start, int lineNumber)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        int i = start;
        while (i < line.Length)
        {
            if (line[i] == ' ') { i++; continue; }
            int keyStart = i;
            while (i < line.Length && line[i] is >= 'a' and <= 'z' or '_') i++;
            if (i == keyStart || i >= line.Length || line[i] != '=')
                throw Bad(lineNumber, keyStart + 1, "expected key=value");
            string key = line.Substring(keyStart, i - keyStart);
            i++;
            string value;
            if (i < line.Length && line[i] == '"')
            {
                var sb = new System.Text.StringBuilder();
                i++;
                while (true)
                {
                    if (i >= line.Length) throw Bad(lineNumber, keyStart + 1, $"{key}: a quoted value without its closing quote");
                    char ch = line[i++];
                    if (ch == '"') break;
                    if (ch == '\\')
                    {
                        if (i >= line.Length || line[i] is not ('"' or '\\')) throw Bad(lineNumber, i, $"{key}: only \\\" and \\\\ may follow a backslash");
                        ch = line[i++];
                    }
                    sb.Append(ch);
                }
                if (i < line.Length && line[i] != ' ') throw Bad(lineNumber, i + 1, $"{key}: text right after the closing quote");
                value = sb.ToString();
            }
            else
            {
                int valueStart = i;
                while (i < line.Length && line[i] != ' ') i++;
                value = line.Substring(valueStart, i - valueStart);
            }
            if (!fields.TryAdd(key, value)) throw Bad(lineNumber, keyStart + 1, $"{key}: given twice");
        }
        string? summary = fields.GetValueOrDefault("summary");
        if (summary != null && !(summary.EndsWith('s') && decimal.TryParse(summary.AsSpan(0, summary.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _)))
            throw Bad(lineNumber, 0, $"summary: \"{SourceText.Escape(summary)}\" is not a number of seconds (10s)");
        Add(lineNumber, "", new Report(
            fields.GetValueOrDefault("policy"), fields.GetValueOrDefault("arch"), fields.GetValueOrDefault("syscall"),
            fields.GetValueOrDefault("nr"), fields.GetValueOrDefault("action"), fields.GetValueOrDefault("mode"),
            fields.GetValueOrDefault("args"), summary != null, fields.GetValueOrDefault("pid"), fields.GetValueOrDefault("tid"),
            fields.GetValueOrDefault("count")));
    }

    // ---- (b) JSON console logs ----------------------------------------------------------------------------------------

    private void AddJson(Dictionary<string, JsonElement> state, int eventId, int lineNumber)
    {
        string? Text(string name)
        {
            if (!state.TryGetValue(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            return v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Number => v.GetRawText(),
                _ => throw Bad(lineNumber, 0, $"State.{name}: {v.ValueKind.ToString().ToLowerInvariant()} where a string or number belongs"),
            };
        }
        Add(lineNumber, "State.", new Report(Text("Policy"), Text("Architecture"), Text("Syscall"), Text("SyscallNumber"), Text("Action"),
            Text("Mode"), Text("Arguments"), eventId == 2, Text("ProcessId"), Text("ThreadId"), Text("Count")), json: true);
    }

    // ---- both ---------------------------------------------------------------------------------------------------------

    private sealed record Report(string? Policy, string? Arch, string? Syscall, string? Nr, string? Action, string? Mode,
        string? Args, bool Summary, string? Pid, string? Tid, string? Count);

    private void Add(int line, string prefix, Report r, bool json = false)
    {
        string Name(string text, string json_) => prefix + (json ? json_ : text);
        string Need(string? v, string text, string jsonName) => v ?? throw Bad(line, 0, $"{Name(text, jsonName)}: missing");

        string archName = Need(r.Arch, "arch", "Architecture");
        var arch = ArchInfo.All.FirstOrDefault(a => a.Name == archName)
            ?? throw Bad(line, 0, $"{Name("arch", "Architecture")}: \"{SourceText.Escape(archName)}\" is not an architecture this tool knows ({string.Join(", ", ArchInfo.All.Select(a => a.Name))})");
        int nr = (int)Number(Need(r.Nr, "nr", "SyscallNumber"), line, Name("nr", "SyscallNumber"), int.MaxValue);
        string syscall = Need(r.Syscall, "syscall", "Syscall");
        if (Recording.SyscallName(arch, nr) != syscall)
            throw Bad(line, 0, $"{Name("syscall", "Syscall")}: \"{SourceText.Escape(syscall)}\" is not the name of number {nr} on {arch.Name} ({Recording.SyscallName(arch, nr)})");
        string mode = Need(r.Mode, "mode", "Mode");
        if (!s_modes.Contains(mode)) throw Bad(line, 0, $"{Name("mode", "Mode")}: \"{SourceText.Escape(mode)}\" is not complain or enforce");
        if (r.Action != null && !IsAction(r.Action)) throw Bad(line, 0, $"{Name("action", "Action")}: \"{SourceText.Escape(r.Action)}\" is not an action (kill-process, kill-thread, trap, errno(N), trace(N), user-notif)");
        long count = r.Count == null ? 1 : Number(r.Count, line, Name("count", "Count"), long.MaxValue);
        if (r.Summary && r.Args != null) throw Bad(line, 0, $"{Name("args", "Arguments")}: a summary has no arguments");
        if (!r.Summary && r.Args == null) throw Bad(line, 0, $"{Name("args", "Arguments")}: missing (a report without arguments must be a summary)");
        if (r.Policy != null) _policies.Add(r.Policy);

        var target = r.Summary ? _summaries : _withArgs;
        target.Notifications += count;
        var stats = target.Get(arch, nr, withArgs: !r.Summary);
        stats.Count += count;
        if (r.Args != null && stats.Args != null)
        {
            string[] parts = r.Args.Split(',');
            if (parts.Length != 6) throw Bad(line, 0, $"{Name("args", "Arguments")}: {parts.Length} values where six belong");
            var parameters = Recording.ParametersOf(stats.Name, arch.Arch);
            for (int i = 0; i < 6; i++)
            {
                string p = parts[i];
                if (!(p.StartsWith("0x", StringComparison.Ordinal) && p.Length is > 2 and <= 18
                      && ulong.TryParse(p.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong v)))
                    throw Bad(line, 0, $"{Name("args", "Arguments")}: \"{SourceText.Escape(p)}\" is not a hexadecimal value 0x0 to 0xffffffffffffffff");
                if (i < stats.Args.Count) stats.Args[i].Add(parameters[i].Type.Truncate(v));
            }
        }
        if (!_ids.TryGetValue((arch.Name, stats.Name), out var ids)) _ids[(arch.Name, stats.Name)] = ids = (new HashSet<int>(), new HashSet<int>());
        if (r.Pid != null) ids.Pids.Add((int)Number(r.Pid, line, Name("pid", "ProcessId"), int.MaxValue));
        if (r.Tid != null) ids.Tids.Add((int)Number(r.Tid, line, Name("tid", "ThreadId"), int.MaxValue));
    }

    private static bool IsAction(string a)
    {
        if (a is "kill-process" or "kill-thread" or "trap" or "user-notif") return true;
        foreach (string f in new[] { "errno", "trace" })
            if (a.StartsWith(f + "(", StringComparison.Ordinal) && a.EndsWith(')')
                && ushort.TryParse(a.AsSpan(f.Length + 1, a.Length - f.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out _))
                return true;
        return false;
    }

    private long Number(string text, int line, string name, long max) =>
        text.Length is > 0 and <= 19 && text.All(ch => ch is >= '0' and <= '9')
        && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long v) && v <= max
            ? v
            : throw Bad(line, 0, $"{name}: \"{SourceText.Escape(text)}\" is not a number from 0 to {max}");

    private Recording Finish()
    {
        if (_withArgs.Architectures.Count == 0 && _summaries.Architectures.Count == 0)
            throw new FormatException($"{SourceText.Escape(_file)}: no seccomp-violation report in the log");
        // A call with summary lines was made more often than its reports show, with arguments no line gives: its
        // arguments are unknown (as a merge with an audit log), so its rule is not narrowed to the values reported.
        var result = new Recording { Source = "report" };
        result.Command.Add($"reports of {(_policies.Count == 0 ? "a policy" : string.Join(", ", _policies))} in {_file}");
        result.Merge(_withArgs);
        result.Merge(_summaries);
        // Distinct ids over both kinds of line: a process that reported a call and then summarised it is one process.
        foreach (var ((archName, call), ids) in _ids)
        {
            var stats = result.Architectures[archName][call];
            stats.Processes = ids.Pids.Count;
            stats.Threads = ids.Tids.Count;
        }
        return result;
    }

    /// <summary>FILE:LINE[:POSITION]: WHAT (line and position from 1).</summary>
    private FormatException Bad(int line, int position, string what) =>
        new($"{SourceText.Escape(_file)}:{line}{(position > 0 ? $":{position}" : "")}: {what}");
}
