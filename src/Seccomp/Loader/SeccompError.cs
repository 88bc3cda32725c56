using System;

namespace Seccomp
{
    /// <summary>Why a policy was not installed: the failing step, the errno (0 when none applies) and a sentence.</summary>
    public sealed record SeccompError(SeccompStep Step, int Errno, string Message)
    {
        public override string ToString() => Errno != 0
            ? $"{Step}: {Message} (errno {Errno}, {ErrnoName(Errno)})"
            : $"{Step}: {Message}";

        internal static string ErrnoName(int errno) =>
            Enum.IsDefined(typeof(Errno), errno) ? ((Errno)errno).ToString() : errno.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
