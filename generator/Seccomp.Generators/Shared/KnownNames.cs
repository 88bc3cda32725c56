namespace Seccomp.Generators
{
    /// <summary>Metadata names of the runtime's attributes, read by the generator and the analyzers.</summary>
    internal static class KnownNames
    {
        public const string Namespace = "Seccomp";
        public const string PolicyAttribute = "Seccomp.SeccompPolicyAttribute";
        public const string RuleAttributeBase = "Seccomp.SeccompRuleAttribute";
        public const string WhenProperty = "When";
    }
}
