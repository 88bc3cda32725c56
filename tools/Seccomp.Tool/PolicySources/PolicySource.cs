// The policy as declared, read back from the constant the generator emits into every policy class
// (SeccompPolicySource: rules with their action, syscalls, condition, file, line and text), compiled again with the
// same compiler core to say which rule decides a call. Used by `explain` and `check`.

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using Seccomp.Compiler;
using Seccomp.Compiler.Policy;

namespace Seccomp.Tool;

internal sealed class PolicySource
{
    public const string FieldName = "SeccompPolicySource";

    public required string Name { get; init; }
    public bool LogDenied { get; init; }
    public SeccompVerdict Default { get; init; }
    public SeccompVerdict BadArch { get; init; }
    public SeccompVerdict Unknown { get; init; }
    public required IReadOnlyList<SeccompArch> Architectures { get; init; }
    public required IReadOnlyList<RuleSourceInfo> Rules { get; init; }

    private PolicyCompilation? _compilation;

    public static PolicySource Parse(string json)
    {
        var o = JsonNode.Parse(json)?.AsObject() ?? throw new FormatException("empty policy source");
        if (o["version"]?.GetValue<int>() != 1) throw new FormatException("unknown policy source version (built with another Seccomp.Generators?)");
        return new PolicySource
        {
            Name = o["name"]!.GetValue<string>(),
            LogDenied = o["logDenied"]?.GetValue<bool>() ?? false,
            Default = ParseVerdict(o["default"]!),
            BadArch = ParseVerdict(o["badArch"]!),
            Unknown = ParseVerdict(o["unknown"]!),
            Architectures = o["architectures"]!.AsArray().Select(a => Enum.Parse<SeccompArch>(a!.GetValue<string>())).ToList(),
            Rules = o["rules"]!.AsArray().Select(r => new RuleSourceInfo(
                r!["index"]!.GetValue<int>(),
                ParseVerdict(r["action"]!),
                r["syscalls"]!.AsArray().Select(s => s!.GetValue<string>()).ToList(),
                r["when"]?.GetValue<string>(),
                r["file"]?.GetValue<string>() ?? "",
                r["line"]?.GetValue<int>() ?? 0,
                r["text"]?.GetValue<string>() ?? "")).ToList(),
        };
    }

    private static SeccompVerdict ParseVerdict(JsonNode n) =>
        SeccompVerdict.Of(Enum.Parse<SeccompAction>(n["action"]!.GetValue<string>()), n["data"]!.GetValue<int>());

    public PolicyModel ToModel() => new(Default, BadArch, Unknown, EquatableArray.From(Architectures),
        EquatableArray.From(Rules.Select(r => new RuleModel(r.Index, r.Action, EquatableArray.From(r.Syscalls), r.When))));

    public PolicyCompilation Compilation => _compilation ??= PolicyCompiler.Compile(ToModel());

    /// <summary>The verdict of a call and the rules that give it (those whose condition holds and whose action wins).</summary>
    public Decision Decide(SeccompArch arch, int nr, ulong[] args)
    {
        var resolved = Compilation.Program(arch).Resolved;
        var verdict = ReferenceEvaluator.Evaluate(resolved, resolved.Arch.AuditArch, (uint)nr, args);
        if (nr < 0 || nr > resolved.Arch.MaxSyscall) return new Decision(verdict, Array.Empty<RuleSourceInfo>(), true, "UnknownSyscalls");
        var deciding = resolved.RulesFor(nr)
            .Where(r => r.Action == verdict && (r.Condition == null || ReferenceEvaluator.Holds(r.Condition, args)))
            .Select(r => Rules[r.RuleIndex]).Distinct().ToList();
        return new Decision(verdict, deciding, deciding.Count == 0, deciding.Count == 0 ? "DefaultAction" : null);
    }

    public static string Describe(SeccompVerdict v) => v.Action == SeccompAction.Errno
        ? $"ERRNO({Compiler.Analysis.ErrnoNames.Of(v.Data)})"
        : v.ToString();
}
