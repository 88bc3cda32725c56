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
            // CONFIG_CLONE_BACKWARDS (arm64, riscv): tls comes before child_tidptr.
            if (syscall == "clone" && arch != SeccompArch.X86_64 && result.Count == 5)
            {
                var tls = result[4];
                var child = result[3];
                result[3] = tls with { Index = 3 };
                result[4] = child with { Index = 4 };
            }
            // Arguments the kernel reads more narrowly than declared (clone's flags, a readv fd...): compare at that width.
            for (int i = 0; i < result.Count; i++)
                if (NarrowArguments.Find(syscall, i) is { } narrow)
                    result[i] = result[i] with { Type = new ArgType(narrow.Bits, narrow.Signed, false, result[i].Type.CType) };
            return result;
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
