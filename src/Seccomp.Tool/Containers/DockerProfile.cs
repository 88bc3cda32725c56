// A Docker (moby) or OCI seccomp profile resolved the way Docker resolves it when a container starts (moby's
// profiles/seccomp setupSeccomp): for one architecture, a capability set and a kernel version, each entry's
// includes/excludes decide whether it applies. What remains is plain OCI: entries of names, an action and ANDed
// argument conditions.

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using Seccomp.Compiler;

namespace Seccomp.Tool;

internal sealed class DockerProfile
{
    /// <summary>Docker's default bounding set (moby oci/caps/defaults.go).</summary>
    public static readonly string[] DefaultCaps =
    {
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    };

    public sealed record Arg(int Index, string Op, ulong Value, ulong ValueTwo);

    public sealed record Entry(int Position, IReadOnlyList<string> Names, string Action, int? ErrnoRet, IReadOnlyList<Arg> Args, string? SkipReason);

    public string DefaultAction { get; private set; } = "";
    public int? DefaultErrnoRet { get; private set; }
    public List<Entry> Entries { get; } = new();

    /// <summary>Go's GOARCH spelling, which Docker's includes/excludes.arches use.</summary>
    public static string GoArch(SeccompArch arch) => arch switch
    {
        SeccompArch.X86_64 => "amd64",
        SeccompArch.Aarch64 => "arm64",
        SeccompArch.Arm => "arm",
        SeccompArch.Ppc64le => "ppc64le",
        SeccompArch.S390x => "s390x",
        SeccompArch.Loongarch64 => "loong64",
        _ => "riscv64",
    };

    /// <summary>Reads and resolves a profile; FormatException with the JSON path of anything it cannot take.</summary>
    public static DockerProfile Parse(string json, SeccompArch arch, ISet<string> caps, (int Major, int Minor) kernel)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
        catch (JsonException e) { throw new FormatException($"not JSON: {e.Message}"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException("$: not an object");
            var profile = new DockerProfile();
            profile.DefaultAction = String(root, "defaultAction", "$") ?? throw new FormatException("$.defaultAction: missing");
            profile.DefaultErrnoRet = Int(root, "defaultErrnoRet", "$");
            if (!root.TryGetProperty("syscalls", out var syscalls)) return profile;
            if (syscalls.ValueKind != JsonValueKind.Array) throw new FormatException("$.syscalls: not an array");
            int i = 0;
            foreach (var s in syscalls.EnumerateArray())
            {
                string at = $"$.syscalls[{i}]";
                var names = new List<string>();
                if (s.TryGetProperty("names", out var ns))
                {
                    if (ns.ValueKind != JsonValueKind.Array) throw new FormatException($"{at}.names: not an array");
                    foreach (var n in ns.EnumerateArray())
                        names.Add(n.ValueKind == JsonValueKind.String ? n.GetString()! : throw new FormatException($"{at}.names: not a string"));
                }
                if (String(s, "name", at) is { } single)
                {
                    if (names.Count > 0) throw new FormatException($"{at}: both name and names");
                    names.Add(single);
                }
                string action = String(s, "action", at) ?? throw new FormatException($"{at}.action: missing");
                int? errno = Int(s, "errnoRet", at);
                var args = new List<Arg>();
                if (s.TryGetProperty("args", out var argsElement) && argsElement.ValueKind != JsonValueKind.Null)
                {
                    int k = 0;
                    foreach (var a in argsElement.EnumerateArray())
                    {
                        string aat = $"{at}.args[{k++}]";
                        int index = Int(a, "index", aat) ?? throw new FormatException($"{aat}.index: missing");
                        if (index is < 0 or > 5) throw new FormatException($"{aat}.index: {index} is not 0..5");
                        args.Add(new Arg(index, String(a, "op", aat) ?? throw new FormatException($"{aat}.op: missing"),
                            ULong(a, "value", aat) ?? 0, ULong(a, "valueTwo", aat) ?? 0));
                    }
                }
                profile.Entries.Add(new Entry(i, names, action, errno, args, SkipReason(s, arch, caps, kernel, at)));
                i++;
            }
            return profile;
        }
    }

    /// <summary>Null when the entry applies, else why not (moby's order of checks).</summary>
    private static string? SkipReason(JsonElement s, SeccompArch arch, ISet<string> caps, (int, int) kernel, string at)
    {
        string goArch = GoArch(arch);
        var exc = s.TryGetProperty("excludes", out var e) && e.ValueKind == JsonValueKind.Object ? e : default;
        var inc = s.TryGetProperty("includes", out var n) && n.ValueKind == JsonValueKind.Object ? n : default;
        if (Strings(exc, "arches") is { Count: > 0 } xa && xa.Contains(goArch)) return "excludes arch " + goArch;
        foreach (var c in Strings(exc, "caps") ?? new List<string>())
            if (caps.Contains(c)) return "excludes " + c;
        if (exc.ValueKind == JsonValueKind.Object && String(exc, "minKernel", at + ".excludes") is { } xk && Compare(kernel, Kernel(xk, at)) >= 0)
            return "excludes kernel >= " + xk;
        if (Strings(inc, "arches") is { Count: > 0 } ia && !ia.Contains(goArch)) return "arches " + string.Join(",", ia);
        foreach (var c in Strings(inc, "caps") ?? new List<string>())
            if (!caps.Contains(c)) return "needs " + c;
        if (inc.ValueKind == JsonValueKind.Object && String(inc, "minKernel", at + ".includes") is { } ik && Compare(kernel, Kernel(ik, at)) < 0)
            return "needs kernel >= " + ik;
        return null;
    }

    private static int Compare((int Major, int Minor) a, (int Major, int Minor) b) => a.Major != b.Major ? a.Major.CompareTo(b.Major) : a.Minor.CompareTo(b.Minor);

    public static (int, int) Kernel(string text, string at)
    {
        var parts = text.Split('.');
        if (parts.Length is < 1 or > 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int major))
            throw new FormatException($"{at}: kernel version '{text}' is not X.Y");
        int minor = 0;
        if (parts.Length > 1 && !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out minor))
            throw new FormatException($"{at}: kernel version '{text}' is not X.Y");
        return (major, minor);
    }

    private static List<string>? Strings(JsonElement o, string name)
    {
        if (o.ValueKind != JsonValueKind.Object || !o.TryGetProperty(name, out var a) || a.ValueKind != JsonValueKind.Array) return null;
        return a.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList();
    }

    private static string? String(JsonElement o, string name, string at)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw new FormatException($"{at}.{name}: not a string");
    }

    private static int? Int(JsonElement o, string name, string at)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int x) && x >= 0 ? x : throw new FormatException($"{at}.{name}: not a number 0..2^31-1");
    }

    private static ulong? ULong(JsonElement o, string name, string at)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.Number && v.TryGetUInt64(out ulong x) ? x : throw new FormatException($"{at}.{name}: not a number 0..2^64-1");
    }
}
