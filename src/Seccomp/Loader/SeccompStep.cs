using System;

namespace Seccomp
{
    /// <summary>The step of <c>Apply()</c> that failed.</summary>
    public enum SeccompStep
    {
        /// <summary>Choosing the program for the running CPU architecture.</summary>
        SelectArchitecture,
        /// <summary>Checking the precomputed program before it is handed to the kernel.</summary>
        Validate,
        /// <summary>Asking the kernel which actions and filter flags it supports.</summary>
        Probe,
        /// <summary>prctl(PR_SET_NO_NEW_PRIVS).</summary>
        NoNewPrivs,
        /// <summary>seccomp(SECCOMP_SET_MODE_FILTER).</summary>
        Install,
        /// <summary>Confirming from the kernel's count of the thread's filters that the install happened.</summary>
        Verify,
    }
}
