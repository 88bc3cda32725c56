// One rule `dotnet-seccomp policy` proposes for a recorded call.

namespace Seccomp.Tool;

/// <summary>A rule the generator proposes, or a comment where it cannot propose one.</summary>
internal sealed class ProposedRule
{
    public required string Syscall { get; init; }
    public string? When { get; set; }
    public required string Seen { get; set; }

    /// <summary>Why the rule is written as a comment only (null: it is written as an attribute).</summary>
    public string? Skipped { get; set; }

    public string Attribute => When == null
        ? $"[Allow({SourceText.Literal(Syscall)})]"
        : $"[Allow({SourceText.Literal(Syscall)}, When = {SourceText.Literal(When)})]";
}
