using System;
using System.Collections.Generic;
using Seccomp.Compiler.Tables;

namespace Seccomp.Compiler
{
    /// <summary>CPU architectures the compiler emits programs for. Values match <c>Seccomp.SeccompArch</c>.</summary>
    public enum TargetArch
    {
        X86_64,
        Aarch64,
        Riscv64,
    }

    /// <summary>Facts about one architecture: its audit token and its syscall table.</summary>
    public sealed class ArchInfo
    {
        private static readonly ArchInfo[] s_all =
        {
            // AUDIT_ARCH_* from include/uapi/linux/audit.h: EM_* | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE.
            new(TargetArch.X86_64, "x86_64", 0xC000003E, SyscallData.X86_64, ConstantData.X86_64, x32Bit: true),
            new(TargetArch.Aarch64, "aarch64", 0xC00000B7, SyscallData.Aarch64, ConstantData.Aarch64, x32Bit: false),
            new(TargetArch.Riscv64, "riscv64", 0xC00000F3, SyscallData.Riscv64, ConstantData.Riscv64, x32Bit: false),
        };

        private readonly Dictionary<string, int> _byName;
        private readonly Dictionary<int, string> _byNumber;
        private readonly Dictionary<string, long> _constants;

        private ArchInfo(TargetArch arch, string name, uint auditArch, (string Name, int Number)[] table,
            (string Name, long Value)[] constants, bool x32Bit)
        {
            Arch = arch;
            Name = name;
            AuditArch = auditArch;
            HasX32 = x32Bit;
            _byName = new Dictionary<string, int>(StringComparer.Ordinal);
            _byNumber = new Dictionary<int, string>();
            int max = 0;
            foreach (var (n, nr) in table)
            {
                _byName[n] = nr;
                _byNumber[nr] = n;
                if (nr > max) max = nr;
            }
            MaxSyscall = max;
            _constants = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (n, v) in constants)
                _constants[n] = v;
        }

        public static IReadOnlyList<ArchInfo> All => s_all;

        public static ArchInfo Get(TargetArch arch) => s_all[(int)arch];

        public TargetArch Arch { get; }

        /// <summary>Lower-case name as in the kernel's audit records and in diagnostics.</summary>
        public string Name { get; }

        /// <summary>The value of <c>seccomp_data.arch</c> for this architecture.</summary>
        public uint AuditArch { get; }

        /// <summary>True on x86_64, where x32 calls share the audit arch and carry bit 0x40000000 in the number.</summary>
        public bool HasX32 { get; }

        /// <summary>Highest syscall number in the table; numbers above it are newer than this compiler knows.</summary>
        public int MaxSyscall { get; }

        public const uint X32SyscallBit = 0x40000000;

        public IEnumerable<KeyValuePair<string, int>> Syscalls => _byName;

        public bool TryGetNumber(string name, out int number) => _byName.TryGetValue(name, out number);

        public bool TryGetName(int number, out string name)
        {
            if (_byNumber.TryGetValue(number, out var n)) { name = n; return true; }
            name = "";
            return false;
        }

        public bool TryGetConstant(string name, out long value) => _constants.TryGetValue(name, out value);

        public IEnumerable<string> ConstantNames => _constants.Keys;
    }
}
