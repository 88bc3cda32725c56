// Loads an OCI linux.seccomp profile (JSON) into libseccomp the way runc does, independently of the exporter's model:
// the JSON is read back with System.Text.Json and every runtime rule applied as runc's seccomp_linux.go describes it.

#nullable enable

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Seccomp.Compiler;
using Seccomp.Tests.Support;

namespace Seccomp.Tests.Oracles;

internal sealed class OciRuncLoader
{
    private const int EPERM = 1;

    /// <summary>The filter runc would build on <paramref name="arch"/>, exported from libseccomp.</summary>
    public SeccompProgram Program { get; }

    /// <summary>Names of the profile libseccomp cannot resolve on the architecture: runc ignores their entries.</summary>
    public IReadOnlySet<string> Ignored { get; }

    /// <summary>Entries skipped because their action is the default (runc and crun drop them without a word).</summary>
    public int DroppedAsDefault { get; }

    /// <summary>The names the profile mentions, any action: runc's -ENOSYS stub covers numbers above the highest.</summary>
    public IReadOnlyList<string> Names { get; }

    public int RuleCount { get; }

    public OciRuncLoader(string json, CoreArch arch)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var info = ArchInfo.Get(arch);
        uint defaultAction = Action(root.GetProperty("defaultAction").GetString()!, root.TryGetProperty("defaultErrnoRet", out var de) ? de.GetUInt32() : null);
        var rules = new List<LibSeccompRule>();
        var ignored = new HashSet<string>(StringComparer.Ordinal);
        var names = new List<string>();
        int dropped = 0;
        bool native = arch == CoreArch.X86_64;
        var extra = native ? AttributeModel.ExtraSyscalls(arch) : new Dictionary<string, int>();
        foreach (var entry in root.GetProperty("syscalls").EnumerateArray())
        {
            uint action = Action(entry.GetProperty("action").GetString()!, entry.TryGetProperty("errnoRet", out var er) ? er.GetUInt32() : null);
            var entryNames = entry.GetProperty("names").EnumerateArray().Select(n => n.GetString()!).ToList();
            names.AddRange(entryNames);
            // runc: "Ignore it if the action is the same as the default action".
            if (action == defaultAction) { dropped++; continue; }
            var args = entry.TryGetProperty("args", out var a) && a.ValueKind == JsonValueKind.Array
                ? a.EnumerateArray().Select(x => new LibSeccompCmp(
                    x.GetProperty("index").GetInt32(), Op(x.GetProperty("op").GetString()!),
                    x.GetProperty("value").GetUInt64(), x.TryGetProperty("valueTwo", out var v2) ? v2.GetUInt64() : 0)).ToArray()
                : Array.Empty<LibSeccompCmp>();
            foreach (var name in entryNames)
            {
                if (LibSeccomp.ResolveSyscall(info.AuditArch, name) < 0 && !extra.ContainsKey(name)) { ignored.Add(name); continue; }
                // runc: several conditions on one argument become one rule each (ORed), else one rule with all (ANDed).
                if (args.Select(c => c.Arg).Distinct().Count() < args.Length)
                    foreach (var c in args) rules.Add(new LibSeccompRule(name, action, new[] { c }));
                else
                    rules.Add(new LibSeccompRule(name, action, args));
            }
        }
        RuleCount = rules.Count;
        Ignored = ignored;
        DroppedAsDefault = dropped;
        Names = names;
        Program = new SeccompProgram((SeccompArch)arch, LibSeccomp.Compile(info.AuditArch, defaultAction, rules, LibSeccomp.ActKillProcess, extra));
    }

    /// <summary>runc's getAction: SCMP_ACT_KILL is KILL_THREAD; ERRNO and TRACE take errnoRet, EPERM without it.</summary>
    private static uint Action(string name, uint? errnoRet) => name switch
    {
        "SCMP_ACT_KILL" or "SCMP_ACT_KILL_THREAD" => LibSeccomp.ActKillThread,
        "SCMP_ACT_KILL_PROCESS" => LibSeccomp.ActKillProcess,
        "SCMP_ACT_TRAP" => LibSeccomp.ActTrap,
        "SCMP_ACT_ERRNO" => LibSeccomp.ActErrno((int)(errnoRet ?? EPERM)),
        "SCMP_ACT_TRACE" => LibSeccomp.ActTrace((int)(errnoRet ?? EPERM)),
        "SCMP_ACT_LOG" => LibSeccomp.ActLog,
        "SCMP_ACT_ALLOW" => LibSeccomp.ActAllow,
        "SCMP_ACT_NOTIFY" => LibSeccomp.ActNotify,
        _ => throw new FormatException($"unknown action {name}"),
    };

    private static LibSeccompOp Op(string name) => name switch
    {
        "SCMP_CMP_NE" => LibSeccompOp.Ne,
        "SCMP_CMP_LT" => LibSeccompOp.Lt,
        "SCMP_CMP_LE" => LibSeccompOp.Le,
        "SCMP_CMP_EQ" => LibSeccompOp.Eq,
        "SCMP_CMP_GE" => LibSeccompOp.Ge,
        "SCMP_CMP_GT" => LibSeccompOp.Gt,
        "SCMP_CMP_MASKED_EQ" => LibSeccompOp.MaskedEq,
        _ => throw new FormatException($"unknown comparison {name}"),
    };
}
