using System.Collections.Generic;

// Linked into the runtime and the compiler core; internal in both.
#if SECCOMP_COMPILER
namespace Seccomp.Compiler.Bpf
#else
namespace Seccomp.Bpf
#endif
{
    /// <summary>A rule of the kernel's filter checks that a program breaks, at one instruction.</summary>
    internal readonly record struct VerifierError(int Pc, string Message)
    {
        public override string ToString() => Pc < 0 ? Message : $"instruction {Pc}: {Message}";
    }
}
