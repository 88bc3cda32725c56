using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Seccomp.Compiler.Conditions;

namespace Seccomp.Compiler.Analysis
{
    /// <summary>A part of a condition (or all of it) that has the same value for every argument vector.</summary>
    internal sealed record ConstantPart(TextSpan Span, bool AlwaysTrue, bool IsWhole, string Reason);
}
