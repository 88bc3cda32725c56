// The policy as declared, read back from the constant the generator emits into every policy class
// (SeccompPolicySource: settings, and rules with their action, syscalls, condition, file, line and text), compiled
// again with the same compiler core to say which rule decides a call. Used by `explain` and `check`. The format and its
// reader are the generator's (DeclaredPolicy, PolicySchema, PolicyDocument): nothing here parses it.

using System;
using System.Collections.Generic;
using System.Linq;
using Seccomp.Compiler;
using Seccomp.Compiler.Policy;
using Seccomp.Generators;

namespace Seccomp.Tool;

internal sealed class PolicySource
{
    public const string FieldName = PolicyDocument.SourceField;

    private PolicySource(DeclaredPolicy declared)
    {
        Declared = declared;
        Rules = declared.Model.Rules.Select((r, i) =>
        {
            var src = i < declared.Sources.Count ? declared.Sources[i] : new RuleSource("", 0, "");
            return new RuleSourceInfo(r.Index, r.Action, r.Syscalls.ToArray(), r.When, src.Path, src.Line, src.Text);
        }).ToList();
    }

    public DeclaredPolicy Declared { get; }
    public string Name => Declared.Name;
    public bool LogDenied => Declared.LogDenied;
    public SeccompVerdict Default => Declared.Model.DefaultAction;
    public SeccompVerdict BadArch => Declared.Model.BadArchAction;
    public SeccompVerdict Unknown => Declared.Model.UnknownSyscallAction;
    public IReadOnlyList<SeccompArch> Architectures => Declared.Model.Architectures;
    public IReadOnlyList<RuleSourceInfo> Rules { get; }

    private PolicyCompilation? _compilation;

    /// <summary>Reads a generated SeccompPolicySource; FormatException for anything else (another version included).</summary>
    public static PolicySource Parse(string json) => new(DeclaredPolicy.Parse(json));

    public static PolicySource Of(DeclaredPolicy declared) => new(declared);

    public PolicyModel ToModel() => Declared.Model;

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
