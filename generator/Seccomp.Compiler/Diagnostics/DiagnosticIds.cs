namespace Seccomp.Compiler.Diagnostics
{
    /// <summary>
    /// Every rule ID in one place; <see cref="DiagnosticCatalog"/> describes each. Pages: docs/diagnostics/&lt;ID&gt;.md; the table: docs/diagnostics/README.md.
    /// 0001-0012: invalid policy; 0020-0024: invalid conditions; 0030-0038: rules that do nothing or not what they
    /// seem; 0040-0043: sandbox and runtime; 0050-0052: how the policy is applied.
    /// </summary>
    internal static class DiagnosticIds
    {
        public const string UnknownSyscall = "SECC0001";
        public const string MissingOnArchitecture = "SECC0002";
        public const string UnknownGroup = "SECC0003";
        public const string ErrnoOutOfRange = "SECC0004";
        public const string NoArchitectures = "SECC0005";
        public const string EmptyRule = "SECC0006";
        public const string NullSyscallName = "SECC0007";
        public const string InvalidEnumValue = "SECC0009";
        public const string NotPartial = "SECC0008";
        public const string ProgramTooLarge = "SECC0010";
        public const string VerifierFailure = "SECC0011";
        public const string BindsOtherThanWritten = "SECC0012";
        public const string ConditionSyntax = "SECC0020";
        public const string ConditionUnknownName = "SECC0021";
        public const string ConditionOutOfRange = "SECC0022";
        public const string ConditionPointer = "SECC0023";
        public const string ConditionType = "SECC0024";
        public const string UnreachableRule = "SECC0030";
        public const string DuplicateRule = "SECC0031";
        public const string RuleSameAsDefault = "SECC0032";
        public const string ConflictingErrno = "SECC0033";
        public const string ConditionNeverTrue = "SECC0034";
        public const string ConditionAlwaysTrue = "SECC0035";
        public const string NeedsTracerOrListener = "SECC0036";
        public const string PositionalArgument = "SECC0037";
        public const string FlagEquality = "SECC0038";
        public const string ArgumentNotComparable = "SECC0039";
        public const string DangerousAllowance = "SECC0040";
        public const string KillThread = "SECC0041";
        public const string RuntimeNeedsSyscall = "SECC0042";
        public const string DenialBypassedByEquivalent = "SECC0043";
        public const string ReviewAllowance = "SECC0044";
        public const string PolicyNeverApplied = "SECC0050";
        public const string ApplyNotFirst = "SECC0051";
        public const string BlocksLaterInstall = "SECC0052";
    }
}
