namespace Seccomp.Compiler.Containers
{
    /// <summary>
    /// One condition of an OCI <c>linux.seccomp.syscalls[].args</c> entry. <see cref="Op"/> is the runtime spec's name
    /// (SCMP_CMP_EQ, ...); for SCMP_CMP_MASKED_EQ <see cref="Value"/> is the mask and <see cref="ValueTwo"/> the value.
    /// </summary>
    internal sealed record OciArg(int Index, ulong Value, ulong ValueTwo, string Op)
    {
        public const string Eq = "SCMP_CMP_EQ", MaskedEq = "SCMP_CMP_MASKED_EQ";
    }
}
