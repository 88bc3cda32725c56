using Seccomp.Compiler.Diagnostics;

namespace Seccomp.Generators
{
    /// <summary>
    /// How the runtime's attributes are spelled in C#: their metadata names and their properties. The compiler core
    /// names settings by meaning (<see cref="PolicyProperty"/>); this front end is the one place that knows the words.
    /// </summary>
    internal static class KnownNames
    {
        public const string Namespace = "Seccomp";
        public const string PolicyAttribute = "Seccomp.SeccompPolicyAttribute";
        public const string RuleAttributeBase = "Seccomp.SeccompRuleAttribute";
        public const string PolicyAttributeName = "SeccompPolicyAttribute";
        public const string RuleAttributeBaseName = "SeccompRuleAttribute";
        public const string WhenProperty = "When";

        /// <summary>The policy attribute's simple name, as written in <c>[SeccompPolicy]</c>.</summary>
        public const string PolicyAttributeShortName = "SeccompPolicy";

        /// <summary>The rule attributes' simple names, as written in <c>[Allow(...)]</c> (each class adds "Attribute").</summary>
        public static readonly string[] RuleAttributeShortNames = { "Allow", "Deny", "Kill", "Log", "Trap", "Trace", "Notify" };

        public const string DefaultAction = nameof(DefaultAction);
        public const string DefaultErrno = nameof(DefaultErrno);
        public const string BadArchAction = nameof(BadArchAction);
        public const string UnknownSyscalls = nameof(UnknownSyscalls);
        public const string UnknownSyscallsErrno = nameof(UnknownSyscallsErrno);
        public const string Architectures = nameof(Architectures);
        public const string HotSyscalls = nameof(HotSyscalls);
        public const string LogDenied = nameof(LogDenied);
        public const string Errno = nameof(Errno);
        public const string Data = nameof(Data);
        public const string Thread = nameof(Thread);

        /// <summary>The attribute property that holds a setting: the policy schema's for the policy's own, the rules' here.</summary>
        public static string Spell(PolicyProperty property) => PolicySchema.Spell(property) ?? property switch
        {
            PolicyProperty.RuleErrno => Errno,
            PolicyProperty.RuleData => Data,
            PolicyProperty.RuleKillThread => Thread,
            _ => "",
        };
    }
}
