namespace Seccomp
{
    /// <summary>What feature detection found out about one seccomp action or filter flag.</summary>
    public enum SeccompFeatureStatus
    {
        /// <summary>The kernel has it.</summary>
        Supported = 0,

        /// <summary>The kernel answered that it does not know it (EOPNOTSUPP or EINVAL).</summary>
        Unsupported = 1,

        /// <summary>
        /// The question itself was refused, by a seccomp filter installed earlier in this process (it denies
        /// seccomp(2)): the kernel may well have the feature, and nothing is known until the question is let through.
        /// Never cached.
        /// </summary>
        DeniedByFilter = 2,
    }
}
