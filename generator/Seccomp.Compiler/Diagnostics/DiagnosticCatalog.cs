using System.Collections.Generic;
using static Seccomp.Compiler.Diagnostics.DiagnosticLevel;

namespace Seccomp.Compiler.Diagnostics
{
    /// <summary>
    /// Every diagnostic the product reports, once: ID, title, default severity, category and help page. The analyzers
    /// build their descriptors from here; the core's messages carry the ID.
    /// </summary>
    internal static class DiagnosticCatalog
    {
        public const string HelpBase = "https://github.com/seccomp-generators/Seccomp.Generators/blob/main/docs/diagnostics/";
        public const string PolicyCategory = "Seccomp.Policy";
        public const string ConditionCategory = "Seccomp.Condition";
        public const string SandboxCategory = "Seccomp.Sandbox";
        public const string UsageCategory = "Seccomp.Usage";

        public static IReadOnlyList<DiagnosticInfo> All { get; } = new DiagnosticInfo[]
        {
            new(DiagnosticIds.UnknownSyscall, "Unknown syscall name", Error, PolicyCategory),
            new(DiagnosticIds.MissingOnArchitecture, "Syscall does not exist on every target architecture", Warning, PolicyCategory),
            new(DiagnosticIds.UnknownGroup, "Unknown syscall group", Error, PolicyCategory),
            new(DiagnosticIds.ErrnoOutOfRange, "Errno outside 1..4095", Error, PolicyCategory),
            new(DiagnosticIds.NoArchitectures, "Policy targets no architecture", Error, PolicyCategory),
            new(DiagnosticIds.EmptyRule, "Rule names no syscall", Error, PolicyCategory),
            new(DiagnosticIds.NullSyscallName, "Syscall name is null", Error, PolicyCategory),
            new(DiagnosticIds.NotPartial, "Policy type must be a partial class", Error, PolicyCategory),
            new(DiagnosticIds.InvalidEnumValue, "Enum value the runtime does not define", Error, PolicyCategory),
            new(DiagnosticIds.ProgramTooLarge, "Program exceeds the kernel's 4096 instructions", Error, PolicyCategory),
            new(DiagnosticIds.VerifierFailure, "Generated program fails verification", Error, PolicyCategory),
            new(DiagnosticIds.BindsOtherThanWritten, "Policy attribute binds to something other than what its name reads as", Error, PolicyCategory, NotConfigurable: true),
            new(DiagnosticIds.ConditionSyntax, "Condition syntax error", Error, ConditionCategory),
            new(DiagnosticIds.ConditionUnknownName, "Unknown argument or constant in condition", Error, ConditionCategory),
            new(DiagnosticIds.ConditionOutOfRange, "Value outside the argument's type", Error, ConditionCategory),
            new(DiagnosticIds.ConditionPointer, "Pointer argument compared with a value other than 0", Error, ConditionCategory),
            new(DiagnosticIds.ConditionType, "Condition is not a comparison of an argument with a constant", Error, ConditionCategory),
            new(DiagnosticIds.UnreachableRule, "Rule never decides a call", Warning, PolicyCategory, Unnecessary: true),
            new(DiagnosticIds.DuplicateRule, "Duplicate rule", Warning, PolicyCategory, Unnecessary: true),
            new(DiagnosticIds.RuleSameAsDefault, "Rule does what the default action already does", Warning, PolicyCategory, Unnecessary: true),
            new(DiagnosticIds.ConflictingErrno, "Conflicting errno values for one syscall", Warning, PolicyCategory),
            new(DiagnosticIds.ConditionNeverTrue, "Condition is never true", Warning, ConditionCategory),
            new(DiagnosticIds.ConditionAlwaysTrue, "Condition is always true", Warning, ConditionCategory),
            new(DiagnosticIds.NeedsTracerOrListener, "Trace or Notify without a tracer or listener fails with ENOSYS", Info, PolicyCategory),
            new(DiagnosticIds.PositionalArgument, "argN is register slot N, not the prototype's parameter argN", Warning, ConditionCategory),
            new(DiagnosticIds.ArgumentNotComparable, "Argument cannot be compared on a target architecture: the rule is enforced in the safe direction there", Warning, ConditionCategory),
            new(DiagnosticIds.FlagEquality, "Flag argument compared for equality: more flags bypass the rule", Warning, ConditionCategory),
            new(DiagnosticIds.DangerousAllowance, "Allowed call defeats the sandbox", Warning, SandboxCategory),
            new(DiagnosticIds.KillThread, "KillThread in a multi-threaded process", Warning, SandboxCategory),
            new(DiagnosticIds.RuntimeNeedsSyscall, "Policy denies a call the .NET runtime needs", Warning, SandboxCategory),
            new(DiagnosticIds.DenialBypassedByEquivalent, "Denied call has an allowed equivalent", Warning, SandboxCategory),
            new(DiagnosticIds.ReviewAllowance, "Allowed call starts programs or processes: review", Info, SandboxCategory),
            new(DiagnosticIds.PolicyNeverApplied, "Policy is never applied", Warning, UsageCategory, CompilationEnd: true),
            new(DiagnosticIds.ApplyNotFirst, "Policy applied late in Main", Warning, UsageCategory),
            new(DiagnosticIds.BlocksLaterInstall, "Policy blocks the install of a later policy", Warning, UsageCategory),
        };

        private static readonly Dictionary<string, DiagnosticInfo> s_byId = Index();

        private static Dictionary<string, DiagnosticInfo> Index()
        {
            var d = new Dictionary<string, DiagnosticInfo>();
            foreach (var info in All) d.Add(info.Id, info);
            return d;
        }

        public static DiagnosticInfo Get(string id) => s_byId[id];

        public static bool IsError(string id) => s_byId.TryGetValue(id, out var info) && info.Level == Error;
    }
}
