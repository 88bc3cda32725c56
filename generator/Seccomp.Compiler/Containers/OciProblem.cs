namespace Seccomp.Compiler.Containers
{
    /// <summary>
    /// Something of the policy an OCI profile cannot say exactly. <see cref="RuleIndex"/> is the deciding rule (or -1 for
    /// a policy setting), so the tool can name it by file and line.
    /// </summary>
    internal sealed record OciProblem(int RuleIndex, string Syscall, string Reason);
}
