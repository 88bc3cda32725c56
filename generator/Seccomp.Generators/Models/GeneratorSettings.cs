namespace Seccomp.Generators
{
    /// <summary>
    /// What the build says (MSBuild properties made compiler-visible by build/Seccomp.Generators.targets).
    /// <see cref="AllowRecording"/>: <c>SeccompAllowRecording</c>, true only when the property is exactly "true"
    /// (Debug by default); an absent or unreadable property is false, so the policy is enforced as declared.
    /// <see cref="ProjectDir"/>: rule paths are written relative to it.
    /// </summary>
    internal sealed record GeneratorSettings(bool AllowRecording, string? ProjectDir)
    {
        public const string AllowRecordingProperty = "build_property.SeccompAllowRecording";
        public const string ProjectDirProperty = "build_property.ProjectDir";
    }
}
