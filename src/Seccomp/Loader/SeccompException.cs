using System;

namespace Seccomp
{
    /// <summary>Thrown by <c>Apply()</c> when a policy could not be installed. The process is not sandboxed by it.</summary>
    public sealed class SeccompException : Exception
    {
        public SeccompException(SeccompError error) : base("seccomp policy not installed: " + error) => Error = error;

        public SeccompError Error { get; }

        public SeccompStep Step => Error.Step;

        public int Errno => Error.Errno;
    }
}
