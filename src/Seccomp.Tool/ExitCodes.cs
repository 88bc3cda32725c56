// The tool's exit codes, one table for every verb (Program's help text lists them).

namespace Seccomp.Tool;

/// <summary>The tool's own exit codes; `record` otherwise exits with the recorded command's code.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Usage = 1;
    /// <summary>`check`: the policy denied at least one call.</summary>
    public const int WouldDeny = 2;
    public const int Unsupported = 3;
    /// <summary>
    /// Unreadable or invalid input, or an -o that cannot be written: checked before any work starts, or failed at the
    /// end (the result is then in a fallback file named on stderr; see OutputFile).
    /// </summary>
    public const int BadInput = 4;
    /// <summary>`check`: no process applied a policy built with SeccompAllowRecording, so nothing was checked.</summary>
    public const int NothingChecked = 5;
    /// <summary>`record`, `check`: what the tool handed to the program was changed before the program used it.</summary>
    public const int Tampered = 6;
    public const int Internal = 125;
    public const int CannotStart = 127;
}
