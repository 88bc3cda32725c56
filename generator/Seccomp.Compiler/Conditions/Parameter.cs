using System;
using System.Collections.Generic;
using Seccomp.Compiler.Tables;

namespace Seccomp.Compiler.Conditions
{
    /// <summary>One parameter of a syscall: its name and how the filter reads it.</summary>
    internal sealed record Parameter(int Index, string Name, ArgType Type);
}
