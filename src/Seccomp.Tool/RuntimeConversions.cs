// The tool reads the compiler core's types (Seccomp.Compiler) and runs programs with the runtime's interpreter (alias
// rt). Both compile the same src/Common sources, with the same numbers, into two assemblies: every cast from one side
// to the other is here, and nowhere else in the tool.

extern alias rt;

using Seccomp.Compiler;

namespace Seccomp.Tool;

internal static class RuntimeConversions
{
    public static rt::Seccomp.SeccompArch ToRuntime(SeccompArch arch) => (rt::Seccomp.SeccompArch)(int)arch;

    public static SeccompVerdict ToCore(rt::Seccomp.SeccompVerdict verdict) =>
        SeccompVerdict.Of((SeccompAction)(int)verdict.Action, verdict.Data);
}
