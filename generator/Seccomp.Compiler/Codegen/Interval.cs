using System.Collections.Generic;
using Seccomp.Compiler.Conditions;

namespace Seccomp.Compiler.Codegen
{
    /// <summary>A closed interval of unsigned values.</summary>
    internal readonly record struct Interval(ulong Lo, ulong Hi);
}
