using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

// Linked into the runtime too (internal there): in-process reports name a denied call's arguments.
#if SECCOMP_COMPILER
namespace Seccomp.Compiler.Tables
#else
namespace Seccomp.Common.Tables
#endif
{
    /// <summary>
    /// The named constants of the condition language (O_*, AF_*, CLONE_*, ...), per architecture, where values
    /// differ (O_DIRECTORY is 0x10000 on x86_64 and 0x4000 on aarch64). Each architecture's table is parsed the first
    /// time a condition on it needs one.
    /// </summary>
    internal static class Constants
    {
        private static readonly Dictionary<string, long>?[] s_parsed = new Dictionary<string, long>?[ArchInfo.All.Count];

        public static bool TryGet(SeccompArch arch, string name, out long value) => Of(arch).TryGetValue(name, out value);

        public static IEnumerable<string> Names(SeccompArch arch) => Of(arch).Keys;

        /// <summary>True when some architecture defines <paramref name="name"/>.</summary>
        public static bool IsDefinedAnywhere(string name) => ArchInfo.All.Any(a => Of(a.Arch).ContainsKey(name));

        private static Dictionary<string, long> Of(SeccompArch arch)
        {
            var d = s_parsed[(int)arch];
            if (d != null) return d;
            string text = arch switch
            {
                SeccompArch.X86_64 => ConstantData.X86_64,
                SeccompArch.Aarch64 => ConstantData.Aarch64,
                SeccompArch.Arm => ConstantData.Arm,
                SeccompArch.Ppc64le => ConstantData.Ppc64le,
                SeccompArch.S390x => ConstantData.S390x,
                SeccompArch.Loongarch64 => ConstantData.Loongarch64,
                _ => ConstantData.Riscv64,
            };
            d = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var line in text.Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries))
            {
                int space = line.IndexOf(' ');
                d[line.Substring(0, space)] = ParseValue(line.Substring(space + 1));
            }
            return s_parsed[(int)arch] = d;
        }

        /// <summary>Decimal, negative decimal, or 0x hex (two's complement for values above long.MaxValue).</summary>
        private static long ParseValue(string s) =>
            s.StartsWith("0x", StringComparison.Ordinal)
                ? unchecked((long)ulong.Parse(s.Substring(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture))
                : long.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
    }
}
