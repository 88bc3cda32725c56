namespace Seccomp.Compiler.Diagnostics
{
    /// <summary>
    /// One thing the compiler says about a policy: an error that stops the program, or a finding of the analysis.
    /// <see cref="Suggestion"/> is a replacement name for a misspelling; <see cref="Fix"/> names the code fix that
    /// applies (<see cref="FixKinds"/>).
    /// </summary>
    internal sealed record PolicyDiagnostic(string Id, string Message, PolicyLocation Location, string? Suggestion = null, string? Fix = null)
    {
        /// <summary>
        /// Stands in a message for the spelling of <see cref="PolicyLocation.Property"/>, which only the front end knows
        /// (the Roslyn reader writes <c>DefaultErrno</c>, <c>Thread</c>...): see <see cref="Render"/>.
        /// </summary>
        public const string SettingToken = "{setting}";

        /// <summary>The message with the setting spelled as the front end spells it.</summary>
        public string Render(System.Func<PolicyProperty, string> spell) =>
            Message.IndexOf(SettingToken, System.StringComparison.Ordinal) < 0 ? Message : Message.Replace(SettingToken, spell(Location.Property));

        public DiagnosticInfo Info => DiagnosticCatalog.Get(Id);

        public bool IsError => Info.Level == DiagnosticLevel.Error;

        public override string ToString() => $"{Id}: {Message}";
    }
}
