using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Seccomp.Common;

namespace Seccomp
{
    /// <summary>
    /// A denied call as text for a report: <c>name(a0, a1, ...)</c>, small values and negative ints (AT_FDCWD) in
    /// decimal, the rest (pointers, flags) in hexadecimal, with trailing zero arguments left out.
    /// </summary>
    internal static class ArgumentText
    {
        public static string Decode(ArchInfo arch, string name, IReadOnlyList<ulong> args)
        {
            int count = args.Count;
            while (count > 0 && args[count - 1] == 0) count--;
            var sb = new StringBuilder(name).Append('(');
            for (int i = 0; i < count; i++)
            {
                if (i > 0) sb.Append(", ");
                sb.Append(Value(args[i]));
            }
            return sb.Append(')').ToString();
        }

        private static string Value(ulong v)
        {
            if (v < 4096) return v.ToString(CultureInfo.InvariantCulture);
            // An int argument with the sign bit set, as the kernel reads it (AT_FDCWD is -100).
            if (v >= 0xFFFFF000 && v <= 0xFFFFFFFF) return ((int)(uint)v).ToString(CultureInfo.InvariantCulture);
            if (v >= 0xFFFFFFFFFFFFF000) return ((long)v).ToString(CultureInfo.InvariantCulture);
            return "0x" + v.ToString("x", CultureInfo.InvariantCulture);
        }
    }
}
