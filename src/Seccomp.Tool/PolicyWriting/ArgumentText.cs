// Recorded argument values as a reviewer reads them: the condition language's constant names (MSG_NOSIGNAL,
// SOCK_STREAM|SOCK_CLOEXEC, O_RDONLY|O_CLOEXEC, AT_FDCWD). The families and the names are the compiler core's
// (Seccomp.Compiler.Conditions.ArgumentNames), which in-process reports share, so a report and a generated policy
// name a value the same way.

using System.Collections.Generic;
using Seccomp.Compiler;
using Seccomp.Compiler.Conditions;

namespace Seccomp.Tool;

internal static class ArgumentText
{
    /// <inheritdoc cref="ArgumentNames.Of"/>
    public static string Of(ArchInfo arch, string syscall, string param, ulong value, IReadOnlyCollection<ulong>? levels = null) =>
        ArgumentNames.Of(arch, syscall, param, value, levels);

    /// <inheritdoc cref="ArgumentNames.OptnamesAtSolSocket"/>
    public static string OptnamesAtSolSocket(ArchInfo arch, string syscall, string param, IEnumerable<ulong> shown, IReadOnlyCollection<ulong>? levels) =>
        ArgumentNames.OptnamesAtSolSocket(arch, syscall, param, shown, levels);
}
