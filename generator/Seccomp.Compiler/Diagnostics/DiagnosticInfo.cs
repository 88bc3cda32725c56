namespace Seccomp.Compiler.Diagnostics
{
    /// <summary>One rule of the catalog: what the analyzers turn into a DiagnosticDescriptor.</summary>
    /// <param name="Unnecessary">The flagged code can be removed (the IDE fades it).</param>
    /// <param name="CompilationEnd">Reported once the whole compilation has been seen.</param>
    /// <param name="NotConfigurable">Its severity cannot be lowered in .editorconfig: it guards what the build emits.</param>
    internal sealed record DiagnosticInfo(string Id, string Title, DiagnosticLevel Level, string Category, bool Unnecessary = false, bool CompilationEnd = false,
        bool NotConfigurable = false)
    {
        /// <summary>The page that explains the rule, with a bad and a good example.</summary>
        public string HelpLink => DiagnosticCatalog.HelpBase + Id + ".md";
    }
}
