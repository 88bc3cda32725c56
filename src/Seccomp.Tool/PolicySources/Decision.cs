// PolicySource.Decide's answer for one call: `check` names the rule that denied it.

using System.Collections.Generic;
using Seccomp.Compiler;

namespace Seccomp.Tool;

/// <summary>The verdict of one call and the rules that give it; none (<see cref="ByDefault"/>) when a default decides,
/// <see cref="DefaultName"/> saying which.</summary>
internal sealed record Decision(SeccompVerdict Verdict, IReadOnlyList<RuleSourceInfo> Rules, bool ByDefault, string? DefaultName);
