namespace Seccomp.Compiler.Diagnostics
{
    /// <summary>The code fixes a diagnostic can offer.</summary>
    internal static class FixKinds
    {
        public const string RemoveRule = nameof(RemoveRule);
        public const string RemoveName = nameof(RemoveName);
        public const string RemoveThread = nameof(RemoveThread);
        public const string KillProcess = nameof(KillProcess);
        /// <summary>Replace the located characters of the condition with <see cref="PolicyDiagnostic.Suggestion"/>.</summary>
        public const string MaskForm = nameof(MaskForm);
        public const string AllowLaterInstall = nameof(AllowLaterInstall);
        /// <summary>Add rules that deny the equivalents <see cref="PolicyDiagnostic.Suggestion"/> lists (Analysis.EquivalentCallAnalysis.FixText).</summary>
        public const string DenyEquivalent = nameof(DenyEquivalent);
    }
}
