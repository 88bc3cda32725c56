namespace Seccomp.Compiler.Conditions
{
    /// <summary>A condition bound to one syscall on one architecture: names resolved, constants folded.</summary>
    internal abstract record Condition;
}
