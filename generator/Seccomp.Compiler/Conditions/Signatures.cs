using System;
using System.Collections.Generic;
#if SECCOMP_COMPILER
using Seccomp.Compiler.Tables;
#else
using Seccomp.Common;
using Seccomp.Common.Tables;
#endif

// Linked into the runtime too (internal there): in-process reports name a denied call's arguments.
#if SECCOMP_COMPILER
namespace Seccomp.Compiler.Conditions
#else
namespace Seccomp.Common.Conditions
#endif
{
    /// <summary>Syscall prototypes (include/linux/syscalls.h), looked up by the name in an architecture's table.</summary>
    internal static class Signatures
    {
        private static readonly Dictionary<string, string[]> s_rows = Load();

        // Table names whose entry point the kernel names differently (see data/syscall-signatures.README.md).
        private static readonly Dictionary<string, string> s_entryPoint = new(StringComparer.Ordinal)
        {
            ["stat"] = "newstat", ["fstat"] = "newfstat", ["lstat"] = "newlstat", ["sendfile"] = "sendfile64",
            ["uname"] = "newuname", ["umount2"] = "umount", ["fadvise64"] = "fadvise64_64",
            // arm's mmap2 is mmap_pgoff (arch/arm/kernel/entry-common.S: sys_mmap2 shifts the offset, then calls it).
            ["mmap2"] = "mmap_pgoff",
        };

        // Names the man pages use where the kernel's prototype says something else.
        private static readonly Dictionary<(string Syscall, string Alias), string> s_aliases = new()
        {
            [("socket", "domain")] = "family",
            [("socketpair", "domain")] = "family",
            [("ioctl", "request")] = "cmd",
        };

        private static Dictionary<string, string[]> Load()
        {
            var d = new Dictionary<string, string[]>(StringComparer.Ordinal);
            foreach (var line in SignatureData.All.Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Split('|');
                var args = new string[parts.Length - 1];
                Array.Copy(parts, 1, args, 0, args.Length);
                d[parts[0]] = args;
            }
            return d;
        }

        /// <summary>The parameters of <paramref name="syscall"/> on <paramref name="arch"/>, or null when no prototype is known.</summary>
        public static IReadOnlyList<Parameter>? Get(string syscall, SeccompArch arch)
        {
            string[]? row = null;
            if (s_entryPoint.TryGetValue(syscall, out var ep)) s_rows.TryGetValue(ep, out row);
            if (row == null) s_rows.TryGetValue(syscall, out row);
            if (row == null) return null;
            var result = new List<Parameter>(row.Length);
            for (int i = 0; i < row.Length; i++)
            {
                int space = row[i].LastIndexOf(' ');
                result.Add(new Parameter(i, row[i].Substring(space + 1), Classify(row[i].Substring(0, space))));
            }
            // Arguments the kernel reads more narrowly than declared (clone's flags, a readv fd...): compare at that
            // width. The rows name the prototype's slots, so this comes before any architecture's reordering.
            for (int i = 0; i < result.Count; i++)
                if (NarrowArguments.Find(syscall, i) is { } narrow)
                    result[i] = result[i] with { Type = new ArgType(narrow.Bits, narrow.Signed, false, result[i].Type.CType) };
            if (syscall == "clone" && result.Count == 5)
            {
                switch (CloneOrder(arch))
                {
                    case CloneVariant.Backwards: // tls comes before child_tidptr
                        (result[3], result[4]) = (result[4] with { Index = 3 }, result[3] with { Index = 4 });
                        break;
                    case CloneVariant.Backwards2: // s390: the stack first, then the flags
                        (result[0], result[1]) = (result[1] with { Index = 0 }, result[0] with { Index = 1 });
                        break;
                }
            }
            if (arch == SeccompArch.Arm) ToArmRegisters(syscall, result);
            else if (arch == SeccompArch.S390x && syscall == "mmap")
            {
                // s390x's mmap is sys_old_mmap(struct mmap_arg_struct __user *): the six values are in memory the
                // filter cannot read (arch/s390/kernel/syscalls/syscall.tbl, row 90).
                for (int i = 0; i < result.Count; i++)
                    result[i] = result[i] with { Type = result[i].Type with { NotComparable = "on s390x mmap takes a pointer to a struct that holds its arguments (sys_old_mmap): the filter cannot see " + result[i].Name } };
            }
            return result;
        }

        /// <summary>The kernel's clone prototype per architecture: CONFIG_CLONE_BACKWARDS (arm, arm64, powerpc, riscv),
        /// CONFIG_CLONE_BACKWARDS2 (s390), or the plain one (x86_64, loongarch); see kernel/fork.c and each arch/*/Kconfig.</summary>
        internal enum CloneVariant { Plain, Backwards, Backwards2 }

        internal static CloneVariant CloneOrder(SeccompArch arch) => arch switch
        {
            SeccompArch.Aarch64 or SeccompArch.Riscv64 or SeccompArch.Arm or SeccompArch.Ppc64le => CloneVariant.Backwards,
            SeccompArch.S390x => CloneVariant.Backwards2,
            _ => CloneVariant.Plain,
        };

        /// <summary>The C types a 32-bit ABI passes in a register pair (the filter sees two slots, never one value).</summary>
        private static bool IsPairType(string ctype)
        {
            string t = ctype.Replace("const ", "").Trim();
            return t is "loff_t" or "u64" or "__u64" or "s64" or "__s64" or "long long" or "unsigned long long" or "off64_t" or "uint64_t";
        }

        /// <summary>
        /// arm (EABI) registers are 32 bits: a long, size_t or pointer argument is one 32-bit slot whose high word the
        /// kernel leaves 0; a 64-bit argument (loff_t...) takes an aligned register pair, so it cannot be compared as
        /// one value and every later argument sits in another slot than the prototype's position.
        /// </summary>
        private static void ToArmRegisters(string syscall, List<Parameter> result)
        {
            string? pair = null;
            for (int i = 0; i < result.Count; i++)
            {
                var p = result[i];
                if (pair == null && IsPairType(p.Type.CType)) pair = p.Name;
                if (pair != null)
                {
                    string why = pair == p.Name
                        ? $"on arm the 64-bit '{p.Type.CType} {p.Name}' of {syscall} is split over two 32-bit registers: the filter cannot compare it as one value"
                        : $"on arm '{p.Name}' of {syscall} follows the 64-bit '{pair}', which takes a register pair: it is not in slot {p.Index} there";
                    result[i] = p with { Type = p.Type with { NotComparable = why } };
                }
                else if (p.Type.Bits == 64)
                    result[i] = p with { Type = p.Type with { Bits = 32 } };
            }
        }

        /// <summary>
        /// Whether the prototype names a parameter argK that is not register slot K (prctl, keyctl and arch_prctl call
        /// slot 1 'arg2'), so that argN in a condition, which always means slot N, reads differently from the prototype.
        /// </summary>
        public static bool HasMisleadingArgNames(IReadOnlyList<Parameter> parameters)
        {
            foreach (var p in parameters)
                if (p.Name.Length == 4 && p.Name.StartsWith("arg", StringComparison.Ordinal) && char.IsDigit(p.Name[3]) && p.Name[3] - '0' != p.Index)
                    return true;
            return false;
        }

        public static string? ResolveAlias(string syscall, string name) =>
            s_aliases.TryGetValue((syscall, name), out var real) ? real : null;

        /// <summary>Width, signedness and pointer-ness of a C parameter type as the syscall ABI passes it.</summary>
        public static ArgType Classify(string ctype)
        {
            string t = ctype.Replace("const ", "").Trim();
            if (t.Contains("*") || t.Contains("__user") || t is "cap_user_header_t" or "cap_user_data_t" or "__sighandler_t")
                return new ArgType(64, false, true, ctype);
            switch (t)
            {
                case "int": case "pid_t": case "key_serial_t": case "clockid_t": case "timer_t": case "rwf_t":
                case "key_t": case "mqd_t": case "__s32": case "s32":
                    return new ArgType(32, true, false, ctype);
                case "unsigned int": case "unsigned": case "uid_t": case "gid_t": case "old_uid_t": case "old_gid_t":
                case "u32": case "__u32": case "uint32_t": case "qid_t":
                    return new ArgType(32, false, false, ctype);
                case "umode_t":
                    return new ArgType(16, false, false, ctype);
                case "long": case "loff_t": case "off_t": case "time_t": case "ssize_t": case "__s64": case "s64":
                    return new ArgType(64, true, false, ctype);
            }
            // Enums are ints; everything else (unsigned long, size_t, u64, aio_context_t, old_sigset_t) is an
            // unsigned 64-bit register.
            return t.StartsWith("enum ", StringComparison.Ordinal)
                ? new ArgType(32, true, false, ctype)
                : new ArgType(64, false, false, ctype);
        }
    }
}
