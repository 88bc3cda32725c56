#if SECCOMP_GENERATOR
using Seccomp.Compiler;

namespace Seccomp.Generators
#else
namespace Seccomp
#endif
{
    /// <summary>
    /// The defaults of the policy attributes, written once: the attributes initialize their properties from here, and
    /// the generator's attribute reader (which links this file) takes the same values for a property the user did not
    /// set. Roslyn cannot read a property initializer, so without this file the defaults would be written twice.
    /// </summary>
    internal static class AttributeDefaults
    {
        public const SeccompAction DefaultAction = SeccompAction.Errno;
        public const int DefaultErrno = 1;              // EPERM
        public const SeccompAction BadArchAction = SeccompAction.KillProcess;
        public const SeccompAction UnknownSyscalls = SeccompAction.Errno;
        public const int UnknownSyscallsErrno = 38;     // ENOSYS: libc falls back from a newer call to an older one
        public const int DenyErrno = 1;                 // EPERM
        public const bool KillThread = false;
        public const ushort Data = 0;                   // Trap and Trace
        public const bool LogDenied = false;
    }
}
