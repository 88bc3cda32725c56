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
    }

    /// <summary>Why a policy was not installed: the failing step, the errno (0 when none applies) and a sentence.</summary>
    public sealed record SeccompError(SeccompStep Step, int Errno, string Message)
    {
        public override string ToString() => Errno != 0
            ? $"{Step}: {Message} (errno {Errno}, {ErrnoName(Errno)})"
            : $"{Step}: {Message}";

        internal static string ErrnoName(int errno) =>
            Enum.IsDefined(typeof(Errno), errno) ? ((Errno)errno).ToString() : errno.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Thrown by <c>Apply()</c> when a policy could not be installed. The process is not sandboxed by it.</summary>
    public sealed class SeccompException : Exception
    {
        public SeccompException(SeccompError error) : base("seccomp policy not installed: " + error) => Error = error;

        public SeccompError Error { get; }

        public SeccompStep Step => Error.Step;

        public int Errno => Error.Errno;
    }
}
