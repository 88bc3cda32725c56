namespace Seccomp.Analyzers
{
    /// <summary>Every rule ID in one place. Pages: docs/diagnostics/&lt;ID&gt;.md.</summary>
    internal static class DiagnosticIds
    {
        public const string UnknownSyscall = "SECC0001";
        public const string MissingOnArchitecture = "SECC0002";
        public const string UnknownGroup = "SECC0003";
        public const string ErrnoOutOfRange = "SECC0004";
        public const string NoArchitectures = "SECC0005";
        public const string EmptyRule = "SECC0006";
        public const string NullSyscallName = "SECC0007";
        public const string NotPartial = "SECC0008";
        public const string ProgramTooLarge = "SECC0010";
        public const string VerifierFailure = "SECC0011";
        public const string ConditionSyntax = "SECC0020";
        public const string ConditionUnknownName = "SECC0021";
        public const string ConditionOutOfRange = "SECC0022";
        public const string ConditionPointer = "SECC0023";
        public const string ConditionType = "SECC0024";
    }
}
