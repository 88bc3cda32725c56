namespace Seccomp.Compiler.Diagnostics
{
    /// <summary>The default severity of a rule; users change it in .editorconfig.</summary>
    internal enum DiagnosticLevel
    {
        /// <summary>Invalid input: the generator emits no program until it is fixed.</summary>
        Error,
        /// <summary>Questionable but valid policy.</summary>
        Warning,
        /// <summary>A note.</summary>
        Info,
    }
}
