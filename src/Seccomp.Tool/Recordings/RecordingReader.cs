// Reading a recording as untrusted input. A recording is a file anyone along the way may have written (a CI artefact,
// a merged run, a production log), and `policy` turns it into C# that is compiled into the user's program. So every
// name is checked against the tables the tool would have taken it from, every value must be a number of the right
// range, and anything else is refused with one line naming the file, the line and position, and the entry.

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Seccomp.Compiler;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Policy;

namespace Seccomp.Tool;

internal sealed class RecordingReader
{
    private static readonly string[] s_topFields =
        { "version", "source", "command", "exitCode", "notifications", "recvEnoent", "sendEnoent", "threads", "processes", "maxDistinctValues", "allowGroups", "allow", "executables", "architectures", "foreign" };
    private static readonly string[] s_callFields = { "nr", "count", "args", "executables", "threads", "processes" };
    private static readonly string[] s_argFields = { "pointer", "many", "values" };
    private static readonly string[] s_sources = { "record", "audit", "merged" };

    /// <summary>The ABIs `audit` keeps apart (AuditParser.ForeignName, and "x32"); any other AUDIT_ARCH as arch_0x%08x.</summary>
    private static readonly string[] s_foreignArchs = { "i386", "arm", "x32" };

    /// <summary>PATH_MAX: no executable's path is longer.</summary>
    private const int MaxPathLength = 4096;

    private readonly string _file;

    /// <summary>The text as parsed, for the positions of refused entries (JsonPositions).</summary>
    private byte[] _utf8 = System.Array.Empty<byte>();

    public RecordingReader(string file) => _file = file;

    public Recording Read(string text)
    {
        _utf8 = Encoding.UTF8.GetBytes(text);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(_utf8, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            // FILE:LINE:POSITION: first, as compilers write it; the parser's own "LineNumber: 0 | BytePositionInLine: 5"
            // (counted from 0) is then said already. Its message quotes no input text beyond one character.
            string message = Regex.Replace(e.Message, @"\s*(Path: \S* \|\s*)?LineNumber: \d+ \| BytePositionInLine: \d+\.?$", "").TrimEnd('.');
            string where = e.LineNumber is long line && e.BytePositionInLine is long position ? $":{line + 1}:{position + 1}" : "";
            throw new FormatException($"{SourceText.Escape(_file)}{where}: not JSON: {SourceText.Escape(message)}");
        }
        using (doc)
        {
            var o = doc.RootElement;
            if (o.ValueKind != JsonValueKind.Object) throw Bad("", "not a recording (no JSON object)");
            var fields = Fields(o, "", s_topFields);
            if (!fields.TryGetValue("version", out var v)) throw Bad("", "not a recording (no version)");
            int version = Int(v, "version");
            if (version != Recording.FormatVersion)
                throw Bad("version", $"recording version {version}; this tool reads version {Recording.FormatVersion}");

            var r = new Recording();
            if (fields.TryGetValue("source", out var src))
            {
                string s = Str(src, "source");
                if (!s_sources.Contains(s)) throw Bad("source", $"\"{SourceText.Escape(s)}\" is not one of {string.Join(", ", s_sources)}");
                r.Source = s;
            }
            if (fields.TryGetValue("command", out var cmd))
            {
                var list = new List<string>();
                int i = 0;
                foreach (var c in Array(cmd, "command")) list.Add(Str(c, $"command[{i++}]"));
                r.Command = list;
            }
            if (fields.TryGetValue("exitCode", out var ec)) r.ExitCode = Int(ec, "exitCode");
            if (fields.TryGetValue("notifications", out var n)) r.Notifications = Count(n, "notifications");
            if (fields.TryGetValue("recvEnoent", out var re)) r.RecvEnoent = Count(re, "recvEnoent");
            if (fields.TryGetValue("sendEnoent", out var se)) r.SendEnoent = Count(se, "sendEnoent");
            if (fields.TryGetValue("threads", out var th)) r.ThreadCount = Count(th, "threads");
            if (fields.TryGetValue("maxDistinctValues", out var md)) Count(md, "maxDistinctValues");
            if (fields.TryGetValue("processes", out var procs))
            {
                int i = 0;
                foreach (var p in Array(procs, "processes"))
                {
                    string at = $"processes[{i++}]";
                    if (p.ValueKind != JsonValueKind.Object) throw Bad(at, "not an object");
                    var pf = Fields(p, at, new[] { "pid", "command" });
                    if (!pf.TryGetValue("pid", out var pid)) throw Bad(at, "no pid");
                    int pidValue = Int(pid, at + ".pid");
                    if (pidValue < 0) throw Bad(at + ".pid", $"{pidValue} is not a process id");
                    r.ProcessList[pidValue] = pf.TryGetValue("command", out var pc) ? Str(pc, at + ".command") : "";
                }
            }
            if (fields.TryGetValue("allowGroups", out var groups))
            {
                int i = 0;
                foreach (var g in Array(groups, "allowGroups"))
                {
                    string at = $"allowGroups[{i++}]";
                    string name = Str(g, at);
                    if (!SyscallGroups.TryGet(name, out _))
                        throw Bad(at, $"\"{SourceText.Escape(name)}\" is not a group this tool knows (without the @: {string.Join(", ", SyscallGroups.Names)})");
                    r.AllowGroups.Add(name);
                }
            }
            if (fields.TryGetValue("allow", out var allow))
            {
                int i = 0;
                foreach (var a in Array(allow, "allow"))
                {
                    string at = $"allow[{i++}]";
                    string name = Str(a, at);
                    if (!ArchInfo.All.Any(arch => arch.TryGetNumber(name, out _)))
                        throw Bad(at, $"\"{SourceText.Escape(name)}\" is not a syscall of any architecture this tool knows");
                    r.AllowNames.Add(name);
                }
            }
            if (fields.TryGetValue("executables", out var exes))
            {
                foreach (var (path, node) in Fields(Object(exes, "executables"), "executables", null))
                {
                    string at = Path("executables", path);
                    if (path.Length == 0 || path.Length > MaxPathLength) throw Bad(at, $"not an executable's path (1 to {MaxPathLength} characters)");
                    var f = Fields(Object(node, at), at, new[] { "dotnet" });
                    r.Executables[path] = f.TryGetValue("dotnet", out var d) && Bool(d, at + ".dotnet");
                }
            }
            if (fields.TryGetValue("architectures", out var archs))
                ReadArchitectures(r, Object(archs, "architectures"));
            if (fields.TryGetValue("foreign", out var foreign))
                ReadForeign(r, Object(foreign, "foreign"));
            // Calls of foreign ABIs alone would give a policy for the host's architecture that allows none of them.
            if (r.Architectures.Count == 0 && r.Foreign.Count > 0)
                throw Bad(fields.ContainsKey("architectures") ? "architectures" : "",
                    $"no architecture this tool knows ({string.Join(", ", ArchInfo.All.Select(a => a.Name))}): only calls of "
                    + $"{string.Join(", ", r.Foreign.Keys)}, for which no policy can be written");
            return r;
        }
    }

    private void ReadArchitectures(Recording r, JsonElement archs)
    {
        foreach (var (archName, callsNode) in Fields(archs, "architectures", null))
        {
            string archAt = Path("architectures", archName);
            var arch = ArchInfo.All.FirstOrDefault(a => a.Name == archName)
                ?? throw Bad(archAt, $"not an architecture this tool knows ({string.Join(", ", ArchInfo.All.Select(a => a.Name))})");
            var calls = new SortedDictionary<string, SyscallStats>(StringComparer.Ordinal);
            r.Architectures[arch.Name] = calls;
            foreach (var (name, callNode) in Fields(Object(callsNode, archAt), archAt, null))
            {
                string at = Path(archAt, name);
                int nr = SyscallNumber(arch, name) ?? throw Bad(at, $"not a syscall of {arch.Name}");
                var f = Fields(Object(callNode, at), at, s_callFields);
                if (f.TryGetValue("nr", out var nrNode))
                {
                    int given = Int(nrNode, at + ".nr");
                    if (given != nr) throw Bad(at + ".nr", $"{given} is not the number of {SourceText.Escape(name)} on {arch.Name} ({nr})");
                }
                var s = new SyscallStats(name, nr)
                {
                    Count = f.TryGetValue("count", out var c) ? Count(c, at + ".count") : 0,
                    Threads = f.TryGetValue("threads", out var t) ? Count(t, at + ".threads") : 0,
                    Processes = f.TryGetValue("processes", out var p) ? Count(p, at + ".processes") : 0,
                };
                if (f.TryGetValue("args", out var argsNode)) s.Args = ReadArgs(arch, name, Object(argsNode, at + ".args"), at + ".args");
                if (f.TryGetValue("executables", out var exeNode))
                {
                    int i = 0;
                    foreach (var e in Array(exeNode, at + ".executables"))
                    {
                        string eAt = $"{at}.executables[{i++}]";
                        string path = Str(e, eAt);
                        // Each named once at the top, with whether it is .NET: a call's list only points there.
                        if (!r.Executables.ContainsKey(path)) throw Bad(eAt, "not an entry of the recording's executables");
                        if (s.Executables.Count == SyscallStats.MaxExecutables) throw Bad(eAt, $"more than {SyscallStats.MaxExecutables} executables");
                        s.Executables.Add(path);
                    }
                }
                calls[name] = s;
            }
        }
    }

    /// <summary>
    /// The number <paramref name="name"/> stands for on <paramref name="arch"/>, or null when it is not a name the
    /// recorder writes: a name of the table, nr_N for a number the table does not name, x32:NAME or x32:nr_N on an
    /// architecture with an x32 ABI. The name must be exactly the one <see cref="Recording.SyscallName"/> gives back.
    /// </summary>
    private static int? SyscallNumber(ArchInfo arch, string name)
    {
        int? nr = null;
        string rest = name;
        bool x32 = arch.HasX32 && rest.StartsWith("x32:", StringComparison.Ordinal);
        if (x32) rest = rest.Substring(4);
        if (arch.TryGetNumber(rest, out int named)) nr = named;
        else if (rest.StartsWith("nr_", StringComparison.Ordinal) && rest.Length > 3 && rest.Skip(3).All(ch => ch is >= '0' and <= '9')
            && int.TryParse(rest.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            nr = n;
        if (nr is not int number || (number & ArchInfo.X32SyscallBit) != 0 && arch.HasX32) return null;
        if (x32) number |= (int)ArchInfo.X32SyscallBit;
        return Recording.SyscallName(arch, number) == name ? number : null;
    }

    private List<ArgStats> ReadArgs(ArchInfo arch, string syscall, JsonElement args, string at)
    {
        var parameters = Recording.ParametersOf(syscall, arch.Arch);
        var given = Fields(args, at, null);
        foreach (var name in given.Keys)
            if (!parameters.Any(p => p.Name == name))
                throw Bad(Path(at, name), $"not a parameter of {SourceText.Escape(syscall)} on {arch.Name} ({Names(parameters)})");
        var missing = parameters.Where(p => !given.ContainsKey(p.Name)).ToList();
        if (missing.Count > 0) throw Bad(at, $"missing {string.Join(", ", missing.Select(p => p.Name))} (the parameters of {SourceText.Escape(syscall)} on {arch.Name} are {Names(parameters)})");

        // In the prototype's order, whatever the file's: merging pairs arguments by position.
        var result = new List<ArgStats>();
        foreach (var p in parameters)
        {
            string argAt = Path(at, p.Name);
            var f = Fields(Object(given[p.Name], argAt), argAt, s_argFields);
            var a = new ArgStats(p.Name, f.TryGetValue("pointer", out var ptr) && Bool(ptr, argAt + ".pointer"));
            if (f.TryGetValue("many", out var many) && Bool(many, argAt + ".many")) a.SetMany();
            if (f.TryGetValue("values", out var values))
            {
                int i = 0;
                foreach (var v in Array(values, argAt + ".values")) a.Add(U64(v, $"{argAt}.values[{i++}]"));
            }
            result.Add(a);
        }
        return result;
    }

    private void ReadForeign(Recording r, JsonElement foreign)
    {
        foreach (var (archName, callsNode) in Fields(foreign, "foreign", null))
        {
            string archAt = Path("foreign", archName);
            bool known = s_foreignArchs.Contains(archName)
                || archName.Length == 15 && archName.StartsWith("arch_0x", StringComparison.Ordinal) && archName.Skip(7).All(ch => ch is >= '0' and <= '9' or >= 'a' and <= 'f');
            if (!known) throw Bad(archAt, $"not a foreign ABI this tool writes ({string.Join(", ", s_foreignArchs)} or arch_0x followed by 8 hex digits)");
            var calls = new SortedDictionary<string, long>(StringComparer.Ordinal);
            r.Foreign[archName] = calls;
            foreach (var (key, countNode) in Fields(Object(callsNode, archAt), archAt, null))
            {
                string at = Path(archAt, key);
                if (!(key.StartsWith("nr_", StringComparison.Ordinal) && key.Length > 3 && key.Skip(3).All(ch => ch is >= '0' and <= '9')
                      && int.TryParse(key.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && key == $"nr_{n}"))
                    throw Bad(at, "not a syscall number (nr_N)");
                calls[key] = Count(countNode, at);
            }
        }
    }

    // ---- values -----------------------------------------------------------------------------------------------------

    /// <summary>The members of an object by name; a name given twice or one not in <paramref name="allowed"/> is refused.</summary>
    private Dictionary<string, JsonElement> Fields(JsonElement o, string at, string[]? allowed)
    {
        var d = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in o.EnumerateObject())
        {
            string name;
            try
            {
                name = p.Name;
            }
            catch (InvalidOperationException)
            {
                throw Bad(at, "a member name that is not valid text");
            }
            if (allowed != null && !allowed.Contains(name)) throw Bad(Path(at, name), "not a field of a recording");
            if (!d.TryAdd(name, p.Value)) throw Bad(Path(at, name), "given twice");
        }
        return d;
    }

    private JsonElement Object(JsonElement e, string at) =>
        e.ValueKind == JsonValueKind.Object ? e : throw Bad(at, $"{Kind(e)} where an object belongs");

    private JsonElement.ArrayEnumerator Array(JsonElement e, string at) =>
        e.ValueKind == JsonValueKind.Array ? e.EnumerateArray() : throw Bad(at, $"{Kind(e)} where an array belongs");

    private string Str(JsonElement e, string at)
    {
        if (e.ValueKind != JsonValueKind.String) throw Bad(at, $"{Kind(e)} where a string belongs");
        try
        {
            return e.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw Bad(at, "not valid text");
        }
    }

    private bool Bool(JsonElement e, string at) => e.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Bad(at, $"{Kind(e)} where true or false belongs"),
    };

    private int Int(JsonElement e, string at) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int v) ? v : throw Bad(at, $"{Kind(e)} where a 32-bit integer belongs");

    private long Count(JsonElement e, string at) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long v) && v >= 0 ? v : throw Bad(at, $"{Kind(e)} where a count (0 or more) belongs");

    private ulong U64(JsonElement e, string at) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetUInt64(out ulong v) ? v : throw Bad(at, $"{Kind(e)} where a number from 0 to 2^64-1 belongs");

    /// <summary>What was found instead, for the message; a number as written (digits, sign, dot and exponent only).</summary>
    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => "the number " + e.GetRawText(),
        JsonValueKind.String => "a string",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string Names(IReadOnlyList<Parameter> parameters) =>
        parameters.Count == 0 ? "none" : string.Join(", ", parameters.Select(p => p.Name));

    /// <summary>A member's place, e.g. architectures.x86_64."exe\ncve": a name other than letters, digits and _ quoted and escaped.</summary>
    internal static string Path(string at, string name)
    {
        bool plain = name.Length > 0 && name.All(ch => ch is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_');
        string member = plain ? name : "\"" + SourceText.Escape(name) + "\"";
        return at.Length == 0 ? member : at + "." + member;
    }

    /// <summary>FILE:LINE:POSITION: ENTRY: WHAT, the position (from 1, in bytes) of the entry's name or value in the file.</summary>
    private FormatException Bad(string at, string what)
    {
        string where = JsonPositions.Find(_utf8, at, Path) is var (line, position) ? $":{line}:{position}" : "";
        return new($"{SourceText.Escape(_file)}{where}: {(at.Length > 0 ? at + ": " : "")}{what}");
    }
}
