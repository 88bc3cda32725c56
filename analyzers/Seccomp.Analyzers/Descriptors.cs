using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Seccomp.Compiler.Analysis;

namespace Seccomp.Analyzers
{
    /// <summary>
    /// The diagnostic descriptors, each with a help page in the repository. Errors for invalid input, warnings for
    /// questionable policy, one informational note; every one can be configured in .editorconfig
    /// (<c>dotnet_diagnostic.SECC0030.severity = none</c>).
    /// </summary>
    internal static class Descriptors
    {
        public const string HelpBase = "https://github.com/seccomp-generators/Seccomp.Generators/blob/main/docs/diagnostics/";
        private const string Policy = "Seccomp.Policy";
        private const string Condition = "Seccomp.Condition";
        private const string Sandbox = "Seccomp.Sandbox";
        private const string Usage = "Seccomp.Usage";

        private static DiagnosticDescriptor Make(string id, string title, string category, DiagnosticSeverity severity, params string[] tags) =>
            new(id, title, "{0}", category, severity, isEnabledByDefault: true, helpLinkUri: HelpBase + id + ".md", customTags: tags);

        private static DiagnosticDescriptor Error(string id, string title, string category) => Make(id, title, category, DiagnosticSeverity.Error);

        private static DiagnosticDescriptor Warning(string id, string title, string category, params string[] tags) =>
            Make(id, title, category, DiagnosticSeverity.Warning, tags);

        public static readonly DiagnosticDescriptor UnknownSyscall = Error(DiagnosticIds.UnknownSyscall, "Unknown syscall name", Policy);
        public static readonly DiagnosticDescriptor MissingOnArchitecture = Warning(DiagnosticIds.MissingOnArchitecture, "Syscall does not exist on every target architecture", Policy);
        public static readonly DiagnosticDescriptor UnknownGroup = Error(DiagnosticIds.UnknownGroup, "Unknown syscall group", Policy);
        public static readonly DiagnosticDescriptor ErrnoOutOfRange = Error(DiagnosticIds.ErrnoOutOfRange, "Errno outside 1..4095", Policy);
        public static readonly DiagnosticDescriptor NoArchitectures = Error(DiagnosticIds.NoArchitectures, "Policy targets no architecture", Policy);
        public static readonly DiagnosticDescriptor EmptyRule = Error(DiagnosticIds.EmptyRule, "Rule names no syscall", Policy);
        public static readonly DiagnosticDescriptor NullSyscallName = Error(DiagnosticIds.NullSyscallName, "Syscall name is null", Policy);
        public static readonly DiagnosticDescriptor InvalidEnumValue = Error(DiagnosticIds.InvalidEnumValue, "Enum value the runtime does not define", Policy);
        public static readonly DiagnosticDescriptor NotPartial = Error(DiagnosticIds.NotPartial, "Policy class must be partial", Policy);
        public static readonly DiagnosticDescriptor ProgramTooLarge = Error(DiagnosticIds.ProgramTooLarge, "Program exceeds the kernel's 4096 instructions", Policy);
        public static readonly DiagnosticDescriptor VerifierFailure = Error(DiagnosticIds.VerifierFailure, "Generated program fails verification", Policy);
        public static readonly DiagnosticDescriptor ConditionSyntax = Error(DiagnosticIds.ConditionSyntax, "Condition syntax error", Condition);
        public static readonly DiagnosticDescriptor ConditionUnknownName = Error(DiagnosticIds.ConditionUnknownName, "Unknown argument or constant in condition", Condition);
        public static readonly DiagnosticDescriptor ConditionOutOfRange = Error(DiagnosticIds.ConditionOutOfRange, "Value outside the argument's type", Condition);
        public static readonly DiagnosticDescriptor ConditionPointer = Error(DiagnosticIds.ConditionPointer, "Pointer argument compared with a value other than 0", Condition);
        public static readonly DiagnosticDescriptor ConditionType = Error(DiagnosticIds.ConditionType, "Condition is not a comparison of an argument with a constant", Condition);

        public static readonly DiagnosticDescriptor UnreachableRule = Warning(DiagnosticIds.UnreachableRule, "Rule never decides a call", Policy, WellKnownDiagnosticTags.Unnecessary);
        public static readonly DiagnosticDescriptor DuplicateRule = Warning(DiagnosticIds.DuplicateRule, "Duplicate rule", Policy, WellKnownDiagnosticTags.Unnecessary);
        public static readonly DiagnosticDescriptor RuleSameAsDefault = Warning(DiagnosticIds.RuleSameAsDefault, "Rule does what the default action already does", Policy, WellKnownDiagnosticTags.Unnecessary);
        public static readonly DiagnosticDescriptor ConflictingErrno = Warning(DiagnosticIds.ConflictingErrno, "Conflicting errno values for one syscall", Policy);
        public static readonly DiagnosticDescriptor ConditionNeverTrue = Warning(DiagnosticIds.ConditionNeverTrue, "Condition is never true", Condition);
        public static readonly DiagnosticDescriptor ConditionAlwaysTrue = Warning(DiagnosticIds.ConditionAlwaysTrue, "Condition is always true", Condition);
        public static readonly DiagnosticDescriptor NeedsTracerOrListener = Make(DiagnosticIds.NeedsTracerOrListener, "Trace or Notify without a tracer or listener fails with ENOSYS", Policy, DiagnosticSeverity.Info);
        public static readonly DiagnosticDescriptor DangerousAllowance = Warning(DiagnosticIds.DangerousAllowance, "Allowed call defeats the sandbox", Sandbox);
        public static readonly DiagnosticDescriptor KillThread = Warning(DiagnosticIds.KillThread, "KillThread in a multi-threaded process", Sandbox);
        public static readonly DiagnosticDescriptor RuntimeNeedsSyscall = Warning(DiagnosticIds.RuntimeNeedsSyscall, "Policy denies a call the .NET runtime needs", Sandbox);
        public static readonly DiagnosticDescriptor PolicyNeverApplied = Warning(DiagnosticIds.PolicyNeverApplied, "Policy is never applied", Usage, WellKnownDiagnosticTags.CompilationEnd);
        public static readonly DiagnosticDescriptor ApplyNotFirst = Warning(DiagnosticIds.ApplyNotFirst, "Policy applied late in Main", Usage);

        /// <summary>What <see cref="PolicyAnalyzer"/> reports.</summary>
        public static ImmutableArray<DiagnosticDescriptor> Policies { get; } = ImmutableArray.Create(
            UnknownSyscall, MissingOnArchitecture, UnknownGroup, ErrnoOutOfRange, NoArchitectures, EmptyRule, NullSyscallName,
            InvalidEnumValue, NotPartial, ProgramTooLarge, VerifierFailure, ConditionSyntax, ConditionUnknownName, ConditionOutOfRange,
            ConditionPointer, ConditionType, UnreachableRule, DuplicateRule, RuleSameAsDefault, ConflictingErrno,
            ConditionNeverTrue, ConditionAlwaysTrue, NeedsTracerOrListener, DangerousAllowance, KillThread, RuntimeNeedsSyscall);

        /// <summary>What <see cref="ApplyUsageAnalyzer"/> reports.</summary>
        public static ImmutableArray<DiagnosticDescriptor> Usages { get; } = ImmutableArray.Create(PolicyNeverApplied, ApplyNotFirst);

        public static ImmutableArray<DiagnosticDescriptor> All { get; } = Policies.AddRange(Usages);

        private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = Build();

        private static Dictionary<string, DiagnosticDescriptor> Build()
        {
            var d = new Dictionary<string, DiagnosticDescriptor>();
            foreach (var x in All) d[x.Id] = x;
            return d;
        }

        public static DiagnosticDescriptor? ById(string id) => s_byId.TryGetValue(id, out var d) ? d : null;

        public static DiagnosticDescriptor For(FindingKind kind) => kind switch
        {
            FindingKind.UnreachableRule => UnreachableRule,
            FindingKind.DuplicateRule => DuplicateRule,
            FindingKind.RuleSameAsDefault => RuleSameAsDefault,
            FindingKind.ConflictingErrno => ConflictingErrno,
            FindingKind.ConditionNeverTrue => ConditionNeverTrue,
            FindingKind.ConditionAlwaysTrue => ConditionAlwaysTrue,
            FindingKind.NeedsTracerOrListener => NeedsTracerOrListener,
            FindingKind.DangerousAllowance => DangerousAllowance,
            FindingKind.KillThread => KillThread,
            _ => RuntimeNeedsSyscall,
        };
    }
}
