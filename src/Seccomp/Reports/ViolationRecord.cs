namespace Seccomp
{
    /// <summary>What the supervisor hands the reporter about one denied call: plain values, copied, nothing allocated.</summary>
    internal struct ViolationRecord
    {
        public int Nr;
        public uint Arch;
        public int ThreadId;
        public uint Verdict;     // the planned program's answer (SECCOMP_RET_*), before supervision
        public long Count;       // this call's number among its (call, action), from 1
        public bool Fatal;       // the process ends once it is written
        public bool OtherProcess; // made by a thread of another process (a child under the inherited filter)
        public ulong A0, A1, A2, A3, A4, A5;
    }
}
