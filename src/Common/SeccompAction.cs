// Linked into the runtime (public, namespace Seccomp) and the compiler core (internal, namespace Seccomp.Compiler):
// one definition, so the numbers the generated code casts are the same on both sides.
#if SECCOMP_COMPILER
namespace Seccomp.Compiler
#else
namespace Seccomp
#endif
{
    /// <summary>
    /// What the kernel does with a call, most restrictive first. When several rules match one call the most
    /// restrictive wins, whatever the order of the attributes (the kernel's own rule across stacked filters).
    /// </summary>
#if SECCOMP_COMPILER
    internal
#else
    public
#endif
    enum SeccompAction
    {
        /// <summary>SECCOMP_RET_KILL_PROCESS: the whole process dies of SIGSYS.</summary>
        KillProcess,
        /// <summary>SECCOMP_RET_KILL_THREAD: only the calling thread dies; other threads go on, often in a broken state.</summary>
        KillThread,
        /// <summary>SECCOMP_RET_TRAP: the thread receives SIGSYS, with the data in si_errno.</summary>
        Trap,
        /// <summary>SECCOMP_RET_ERRNO: the call fails with the errno in the data, without running.</summary>
        Errno,
        /// <summary>SECCOMP_RET_USER_NOTIF: a supervising process holding the listener fd decides.</summary>
        Notify,
        /// <summary>SECCOMP_RET_TRACE: a ptrace tracer is notified; with none attached the call fails with ENOSYS.</summary>
        Trace,
        /// <summary>SECCOMP_RET_LOG: the call runs and the kernel logs it.</summary>
        Log,
        /// <summary>SECCOMP_RET_ALLOW: the call runs.</summary>
        Allow,
    }
}
