// What `dotnet-seccomp policy` made of the recordings: the rules added and left out, and the class text.

using System;
using System.Collections.Generic;

namespace Seccomp.Tool;

internal sealed class PolicyResult
{
    public List<ProposedRule> Added { get; } = new();
    public List<ProposedRule> Skipped { get; } = new();

    /// <summary>Capability groups allowed because the recording shows their API area, each with the comment that says why.</summary>
    public List<(string Group, string Comment)> Groups { get; } = new();

    /// <summary>Those of <see cref="Groups"/> (groups and names) that `record --allow-group`/`--allow` let run unrecorded.</summary>
    public HashSet<string> AllowedWhileRecording { get; } = new(StringComparer.Ordinal);

    /// <summary>Rules the user must review: a call recorded without arguments that the class allows only under a condition.</summary>
    public List<string> Reviews { get; } = new();
    public int Covered { get; set; }
    /// <summary>Calls the existing class lists whose recorded values its rules do not allow: each got a rule that widens it.</summary>
    public int Widened { get; set; }

    /// <summary>Recorded calls that a rule of the existing class denies by name: left as the user wrote them.</summary>
    public List<string> DeniedOnPurpose { get; } = new();

    /// <summary>The assemblies whose IL was read for the API areas the app calls (file names), and those areas' groups.</summary>
    public List<string> Scanned { get; } = new();
    public List<string> GroupsFromCode { get; } = new();
    public List<string> Remaining { get; } = new();
    public string Text { get; set; } = "";
    public bool Updated { get; set; }

    /// <summary>The recorded commands and process command lines the rules come from (free text: escaped when written).</summary>
    public IReadOnlyList<string> Commands { get; set; } = Array.Empty<string>();
    public IReadOnlyList<string> Processes { get; set; } = Array.Empty<string>();
}
