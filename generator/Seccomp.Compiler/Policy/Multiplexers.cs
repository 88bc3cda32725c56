using System.Collections.Generic;
using Seccomp.Compiler.Conditions;

namespace Seccomp.Compiler.Policy
{
    /// <summary>
    /// socketcall(2) and ipc(2): the old entry points that reach each socket and System V IPC call by a sub-call number
    /// in their first argument, the call's own arguments behind a pointer. Of the architectures here only ppc64le and
    /// s390x still have them for 64-bit tasks (arm EABI, x86_64 and the generic table do not: their tables have no
    /// such row).
    /// </summary>
    internal static class Multiplexers
    {
        /// <summary>The multiplexer's number and the condition that selects one sub-call.</summary>
        public sealed record Form(int Number, Condition Condition);

        // include/uapi/linux/net.h: SYS_SOCKET 1 ... SYS_SENDMMSG 20.
        private static readonly Dictionary<string, int> s_socket = new(System.StringComparer.Ordinal)
        {
            ["socket"] = 1, ["bind"] = 2, ["connect"] = 3, ["listen"] = 4, ["accept"] = 5, ["getsockname"] = 6,
            ["getpeername"] = 7, ["socketpair"] = 8, ["send"] = 9, ["recv"] = 10, ["sendto"] = 11, ["recvfrom"] = 12,
            ["shutdown"] = 13, ["setsockopt"] = 14, ["getsockopt"] = 15, ["sendmsg"] = 16, ["recvmsg"] = 17,
            ["accept4"] = 18, ["recvmmsg"] = 19, ["sendmmsg"] = 20,
        };

        // include/uapi/linux/ipc.h: SEMOP 1 ... SHMCTL 24.
        private static readonly Dictionary<string, int> s_ipc = new(System.StringComparer.Ordinal)
        {
            ["semop"] = 1, ["semget"] = 2, ["semctl"] = 3, ["semtimedop"] = 4, ["msgsnd"] = 11, ["msgrcv"] = 12,
            ["msgget"] = 13, ["msgctl"] = 14, ["shmat"] = 21, ["shmdt"] = 22, ["shmget"] = 23, ["shmctl"] = 24,
        };

        /// <summary>The multiplexed form of <paramref name="syscall"/> on <paramref name="arch"/>, or null.</summary>
        public static Form? Find(ArchInfo arch, string syscall)
        {
            if (s_socket.TryGetValue(syscall, out int sub) && arch.TryGetNumber("socketcall", out int socketcall))
                // net/socket.c: SYSCALL_DEFINE2(socketcall, int, call, ...) switches on the int.
                return new Form(socketcall, new CompareCondition(0, new ArgType(32, true, false, "int"), 0xffffffff, CompareOp.Eq, (ulong)sub));
            if (s_ipc.TryGetValue(syscall, out sub) && arch.TryGetNumber("ipc", out int ipc))
                // ipc/syscall.c: ksys_ipc(unsigned int call, ...) takes version = call >> 16 and switches on
                // call & 0xffff, so every version of the sub-call is the same call.
                return new Form(ipc, new CompareCondition(0, new ArgType(32, false, false, "unsigned int"), 0xffff, CompareOp.Eq, (ulong)sub));
            return null;
        }

        /// <summary>Sub-call numbers, for the tests' oracles: (multiplexer name, sub-call) per call.</summary>
        public static int? SubCall(string syscall) =>
            s_socket.TryGetValue(syscall, out int s) ? s : s_ipc.TryGetValue(syscall, out int i) ? i : null;
    }
}
