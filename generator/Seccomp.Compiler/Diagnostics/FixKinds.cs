namespace Seccomp.Compiler.Diagnostics
{
    /// <summary>The code fixes a diagnostic can offer.</summary>
    internal static class FixKinds
    {
        public const string RemoveRule = nameof(RemoveRule);
        public const string RemoveName = nameof(RemoveName);
        public const string RemoveThread = nameof(RemoveThread);
        public const string KillProcess = nameof(KillProcess);
        public const string AllowLaterInstall = nameof(AllowLaterInstall);
    }
}
