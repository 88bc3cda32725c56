// One rule of a policy as declared (SeccompPolicySource's "rules"): its action, calls, condition and where it is written.

using System.Collections.Generic;
using Seccomp.Compiler;

namespace Seccomp.Tool;

internal sealed record RuleSourceInfo(int Index, SeccompVerdict Action, IReadOnlyList<string> Syscalls, string? When, string File, int Line, string Text)
{
    public string Location => File.Length == 0 ? $"rule {Index}" : $"{File}:{Line}";
}
