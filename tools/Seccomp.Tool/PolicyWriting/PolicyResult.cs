// What `dotnet-seccomp policy` made of the recordings: the rules added and left out, and the class text.

using System;
using System.Collections.Generic;

namespace Seccomp.Tool;

internal sealed class PolicyResult
{
    public List<ProposedRule> Added { get; } = new();
    public List<ProposedRule> Skipped { get; } = new();
    public int Covered { get; set; }
    public int AlreadyListed { get; set; }

    /// <summary>Recorded calls the existing class's rules name but still deny for what was recorded (no rule added for them).</summary>
    public List<string> ListedButDenied { get; } = new();
    public List<string> Remaining { get; } = new();
    public string Text { get; set; } = "";
    public bool Updated { get; set; }

    /// <summary>The recorded commands and process command lines the rules come from (free text: escaped when written).</summary>
    public IReadOnlyList<string> Commands { get; set; } = Array.Empty<string>();
    public IReadOnlyList<string> Processes { get; set; } = Array.Empty<string>();
}
