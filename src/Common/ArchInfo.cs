using System;
using System.Collections.Generic;
#if SECCOMP_COMPILER
using Seccomp.Compiler.Tables;
#else
using Seccomp.Common.Tables;
#endif

// Linked into the runtime and the compiler core; internal in both.
#if SECCOMP_COMPILER
namespace Seccomp.Compiler
#else
namespace Seccomp.Common
#endif
{
    /// <summary>
    /// Facts about one architecture that both the compiler and the runtime need: its audit token and its syscall
    /// table. Each table is parsed on first use of that architecture, so a build or a process that targets one
    /// architecture never pays for the others.
    /// </summary>
    internal sealed class ArchInfo
    {
        /// <summary>AUDIT_ARCH_* from include/uapi/linux/audit.h: EM_* | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE.</summary>
        public const uint AuditArchX86_64 = 0xC000003E, AuditArchAarch64 = 0xC00000B7, AuditArchRiscv64 = 0xC00000F3,
            AuditArchArm = 0x40000028, AuditArchPpc64le = 0xC0000015, AuditArchS390x = 0x80000016,
            AuditArchLoongarch64 = 0xC0000102;

        /// <summary>__AUDIT_ARCH_LE: set in the token of every little-endian ABI, clear in big-endian ones (s390x).</summary>
        public const uint AuditArchLittleEndian = 0x40000000;

        /// <summary>arm's private calls (cacheflush, set_tls...) start here (__ARM_NR_BASE, EABI).</summary>
        public const int ArmPrivateBase = 0x0f0000;

        /// <summary>On x86_64, x32 calls share the audit arch and carry this bit in the number.</summary>
        public const uint X32SyscallBit = 0x40000000;

        private static readonly ArchInfo[] s_all =
        {
            new(SeccompArch.X86_64, "x86_64", AuditArchX86_64, SyscallData.X86_64, hasX32: true),
            new(SeccompArch.Aarch64, "aarch64", AuditArchAarch64, SyscallData.Aarch64, hasX32: false),
            new(SeccompArch.Riscv64, "riscv64", AuditArchRiscv64, SyscallData.Riscv64, hasX32: false),
            new(SeccompArch.Arm, "arm", AuditArchArm, SyscallData.Arm, hasX32: false, registerBits: 32, privateBase: ArmPrivateBase),
            new(SeccompArch.Ppc64le, "ppc64le", AuditArchPpc64le, SyscallData.Ppc64le, hasX32: false),
            new(SeccompArch.S390x, "s390x", AuditArchS390x, SyscallData.S390x, hasX32: false),
            new(SeccompArch.Loongarch64, "loongarch64", AuditArchLoongarch64, SyscallData.Loongarch64, hasX32: false),
        };

        private readonly string _table;
        private Table? _parsed;

        private ArchInfo(SeccompArch arch, string name, uint auditArch, string table, bool hasX32, int registerBits = 64, int privateBase = -1)
        {
            Arch = arch;
            Name = name;
            AuditArch = auditArch;
            HasX32 = hasX32;
            RegisterBits = registerBits;
            PrivateBase = privateBase;
            _table = table;
        }

        public static IReadOnlyList<ArchInfo> All => s_all;

        public static ArchInfo Get(SeccompArch arch) => s_all[(int)arch];

        /// <summary>The architecture whose <c>seccomp_data.arch</c> is <paramref name="auditArch"/>, or null.</summary>
        public static ArchInfo? FromAuditArch(uint auditArch)
        {
            foreach (var a in s_all)
                if (a.AuditArch == auditArch) return a;
            return null;
        }

        public SeccompArch Arch { get; }

        /// <summary>Lower-case name as in the kernel's audit records and in diagnostics.</summary>
        public string Name { get; }

        /// <summary>The value of <c>seccomp_data.arch</c> for this architecture.</summary>
        public uint AuditArch { get; }

        /// <summary>True on x86_64, where x32 calls share the audit arch and carry bit 0x40000000 in the number.</summary>
        public bool HasX32 { get; }

        /// <summary>
        /// True where the kernel is big-endian (s390x): the low 32-bit word of each 64-bit field of seccomp_data sits
        /// 4 bytes after the high one, and a program's bytes (struct sock_filter) are big-endian too.
        /// </summary>
        public bool BigEndian => (AuditArch & AuditArchLittleEndian) == 0;

        /// <summary>Width of a register, so of one argument slot: 32 on arm (the slot's high word is then always 0).</summary>
        public int RegisterBits { get; }

        /// <summary>
        /// Where the architecture's private calls start (arm: 0x0f0000), or -1. They are numbered apart from the table,
        /// so <see cref="MaxSyscall"/> does not count them: the unknown-call action covers the gap below them.
        /// </summary>
        public int PrivateBase { get; }

        /// <summary>Highest private call (arm: get_tls, 0x0f0006), or -1 when there are none.</summary>
        public int MaxPrivateSyscall => PrivateBase < 0 ? -1 : Parsed.MaxPrivate;

        /// <summary>Highest syscall number of the table (private calls apart); numbers above it are newer than this release knows.</summary>
        public int MaxSyscall => Parsed.Max;

        /// <summary>Whether this release knows what the number is (a table number or a private call).</summary>
        public bool IsKnownNumber(uint nr) =>
            nr <= (uint)MaxSyscall || PrivateBase >= 0 && nr <= (uint)MaxPrivateSyscall && Parsed.ByNumber.ContainsKey((int)nr);

        public IEnumerable<KeyValuePair<string, int>> Syscalls => Parsed.ByName;

        public bool TryGetNumber(string name, out int number) => Parsed.ByName.TryGetValue(name, out number);

        public bool TryGetName(int number, out string name)
        {
            if (Parsed.ByNumber.TryGetValue(number, out var n)) { name = n; return true; }
            name = "";
            return false;
        }

        private Table Parsed => _parsed ??= Table.Parse(_table, PrivateBase);

        private sealed class Table
        {
            public readonly Dictionary<string, int> ByName = new(StringComparer.Ordinal);
            public readonly Dictionary<int, string> ByNumber = new();
            public int Max;
            public int MaxPrivate = -1;

            /// <summary>"name number\n" lines, as eng/gen-tables.py writes them.</summary>
            public static Table Parse(string text, int privateBase)
            {
                var t = new Table();
                int start = 0;
                while (start < text.Length)
                {
                    int end = text.IndexOf('\n', start);
                    if (end < 0) end = text.Length;
                    int space = text.IndexOf(' ', start, end - start);
                    string name = text.Substring(start, space - start);
                    int nr = 0;
                    for (int i = space + 1; i < end; i++) nr = nr * 10 + (text[i] - '0');
                    t.ByName[name] = nr;
                    t.ByNumber[nr] = name;
                    if (privateBase >= 0 && nr >= privateBase) { if (nr > t.MaxPrivate) t.MaxPrivate = nr; }
                    else if (nr > t.Max) t.Max = nr;
                    start = end + 1;
                }
                return t;
            }
        }
    }
}
