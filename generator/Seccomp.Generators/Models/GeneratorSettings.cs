namespace Seccomp.Generators
{
    /// <summary>
    /// What the build says (MSBuild properties made compiler-visible by build/Seccomp.Generators.targets).
    /// <see cref="AllowRecording"/>: <c>SeccompAllowRecording</c>, true only when the property is exactly "true"
    /// (Debug by default); an absent or unreadable property is false, so the policy is enforced as declared.
    /// <see cref="ProjectDir"/>: rule paths are written relative to it.
    /// <see cref="ExportOci"/>: <c>SeccompExportOci</c> = true puts each policy's OCI profile into its class, for the
    /// build's SeccompExportOci target to write next to the assembly; <see cref="ExportOciSelfPid"/>
    /// (<c>SeccompExportOciSelfPid</c>) is the pid SELF_PID stands for in it.
    /// </summary>
    internal sealed record GeneratorSettings(bool AllowRecording, string? ProjectDir, bool ExportOci = false, uint? ExportOciSelfPid = null)
    {
        public const string ExportOciProperty = "build_property.SeccompExportOci";
        public const string ExportOciSelfPidProperty = "build_property.SeccompExportOciSelfPid";
        public const string AllowRecordingProperty = "build_property.SeccompAllowRecording";
        public const string ProjectDirProperty = "build_property.ProjectDir";
    }
}
