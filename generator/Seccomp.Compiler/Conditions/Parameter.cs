using System;
using System.Collections.Generic;
#if SECCOMP_COMPILER
using Seccomp.Compiler.Tables;
#else
using Seccomp.Common;
using Seccomp.Common.Tables;
#endif

// Linked into the runtime too (internal there): in-process reports name a denied call's arguments.
#if SECCOMP_COMPILER
namespace Seccomp.Compiler.Conditions
#else
namespace Seccomp.Common.Conditions
#endif
{
    /// <summary>One parameter of a syscall: its name and how the filter reads it.</summary>
    internal sealed record Parameter(int Index, string Name, ArgType Type);
}
