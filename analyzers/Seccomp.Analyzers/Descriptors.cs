using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Seccomp.Analyzers
{
    /// <summary>The diagnostic descriptors, each with a help page in the repository.</summary>
    internal static class Descriptors
    {
        public const string HelpBase = "https://github.com/seccomp-generators/Seccomp.Generators/blob/main/docs/diagnostics/";
        private const string Policy = "Seccomp.Policy";
        private const string Condition = "Seccomp.Condition";

        private static DiagnosticDescriptor Error(string id, string title, string category) =>
            new(id, title, "{0}", category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpBase + id + ".md");

        private static DiagnosticDescriptor Warning(string id, string title, string category) =>
            new(id, title, "{0}", category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpBase + id + ".md");

        public static readonly DiagnosticDescriptor UnknownSyscall = Error(DiagnosticIds.UnknownSyscall, "Unknown syscall name", Policy);
        public static readonly DiagnosticDescriptor MissingOnArchitecture = Warning(DiagnosticIds.MissingOnArchitecture, "Syscall does not exist on every target architecture", Policy);
        public static readonly DiagnosticDescriptor UnknownGroup = Error(DiagnosticIds.UnknownGroup, "Unknown syscall group", Policy);
        public static readonly DiagnosticDescriptor ErrnoOutOfRange = Error(DiagnosticIds.ErrnoOutOfRange, "Errno above 4095", Policy);
        public static readonly DiagnosticDescriptor NoArchitectures = Error(DiagnosticIds.NoArchitectures, "Policy targets no architecture", Policy);
        public static readonly DiagnosticDescriptor EmptyRule = Error(DiagnosticIds.EmptyRule, "Rule names no syscall", Policy);
        public static readonly DiagnosticDescriptor NullSyscallName = Error(DiagnosticIds.NullSyscallName, "Syscall name is null", Policy);
        public static readonly DiagnosticDescriptor NotPartial = Error(DiagnosticIds.NotPartial, "Policy class must be partial", Policy);
        public static readonly DiagnosticDescriptor ProgramTooLarge = Error(DiagnosticIds.ProgramTooLarge, "Program exceeds the kernel's 4096 instructions", Policy);
        public static readonly DiagnosticDescriptor VerifierFailure = Error(DiagnosticIds.VerifierFailure, "Generated program fails verification", Policy);
        public static readonly DiagnosticDescriptor ConditionSyntax = Error(DiagnosticIds.ConditionSyntax, "Condition syntax error", Condition);
        public static readonly DiagnosticDescriptor ConditionUnknownName = Error(DiagnosticIds.ConditionUnknownName, "Unknown argument or constant in condition", Condition);
        public static readonly DiagnosticDescriptor ConditionOutOfRange = Error(DiagnosticIds.ConditionOutOfRange, "Value outside the argument's type", Condition);
        public static readonly DiagnosticDescriptor ConditionPointer = Error(DiagnosticIds.ConditionPointer, "Pointer argument compared with a value other than 0", Condition);
        public static readonly DiagnosticDescriptor ConditionType = Error(DiagnosticIds.ConditionType, "Condition is not a comparison of an argument with a constant", Condition);

        public static ImmutableArray<DiagnosticDescriptor> All { get; } = ImmutableArray.Create(
            UnknownSyscall, MissingOnArchitecture, UnknownGroup, ErrnoOutOfRange, NoArchitectures, EmptyRule, NullSyscallName,
            NotPartial, ProgramTooLarge, VerifierFailure, ConditionSyntax, ConditionUnknownName, ConditionOutOfRange,
            ConditionPointer, ConditionType);

        private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = Build();

        private static Dictionary<string, DiagnosticDescriptor> Build()
        {
            var d = new Dictionary<string, DiagnosticDescriptor>();
            foreach (var x in All) d[x.Id] = x;
            return d;
        }

        public static DiagnosticDescriptor? ById(string id) => s_byId.TryGetValue(id, out var d) ? d : null;
    }
}
