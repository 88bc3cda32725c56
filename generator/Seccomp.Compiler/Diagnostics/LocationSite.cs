namespace Seccomp.Compiler.Diagnostics
{
    /// <summary>What part of the declared policy a diagnostic points at.</summary>
    internal enum LocationSite
    {
        /// <summary>The policy attribute, or a whole rule attribute.</summary>
        Policy,
        /// <summary>A syscall or group name: <see cref="PolicyLocation.NameIndex"/> says which argument.</summary>
        SyscallName,
        /// <summary>Characters of the <c>When</c> string: <see cref="PolicyLocation.Start"/> and <see cref="PolicyLocation.Length"/>.</summary>
        Condition,
        /// <summary>A setting of a rule attribute (<see cref="PolicyLocation.Property"/>).</summary>
        RuleProperty,
    }
}
