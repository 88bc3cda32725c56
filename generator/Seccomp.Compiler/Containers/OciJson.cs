using System.Globalization;
using System.Linq;
using System.Text;

namespace Seccomp.Compiler.Containers
{
    /// <summary>
    /// Writes an <see cref="OciProfile"/> as the JSON of <c>linux.seccomp</c>. Written by hand because this core targets
    /// netstandard2.0 without a JSON library, and every string in it is a fixed name or a syscall name ([a-z0-9_]).
    /// </summary>
    internal static class OciJson
    {
        public static string Write(OciProfile profile)
        {
            var sb = new StringBuilder();
            sb.Append("{\n");
            sb.Append("  \"defaultAction\": \"").Append(OciProfile.ActionName(profile.DefaultAction.Action)).Append("\",\n");
            // runc reads defaultErrnoRet for an ERRNO and a TRACE default alike, and takes EPERM without it.
            if (profile.DefaultAction.Action is SeccompAction.Errno or SeccompAction.Trace)
                sb.Append("  \"defaultErrnoRet\": ").Append(Num(profile.DefaultAction.Data)).Append(",\n");
            sb.Append("  \"architectures\": [").Append(string.Join(", ", profile.Architectures.Select(a => "\"" + OciProfile.ArchName(a) + "\""))).Append("],\n");
            if (profile.LogDenied) sb.Append("  \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"],\n");
            sb.Append("  \"syscalls\": [");
            for (int i = 0; i < profile.Syscalls.Count; i++)
            {
                var s = profile.Syscalls[i];
                sb.Append(i == 0 ? "\n" : ",\n");
                sb.Append("    {\n      \"names\": [");
                int width = 16;
                for (int k = 0; k < s.Names.Count; k++)
                {
                    string item = "\"" + s.Names[k] + "\"";
                    if (k > 0)
                    {
                        sb.Append(',');
                        if (width + item.Length + 2 > 110) { sb.Append("\n        "); width = 8; }
                        else { sb.Append(' '); width++; }
                    }
                    sb.Append(item);
                    width += item.Length + 1;
                }
                sb.Append("],\n      \"action\": \"").Append(OciProfile.ActionName(s.Action.Action)).Append('"');
                // errnoRet carries ERRNO's errno and TRACE's value (runc passes it to both).
                if (s.Action.Action is SeccompAction.Errno or SeccompAction.Trace)
                    sb.Append(",\n      \"errnoRet\": ").Append(Num(s.Action.Data));
                if (s.Args.Count > 0)
                {
                    sb.Append(",\n      \"args\": [");
                    for (int k = 0; k < s.Args.Count; k++)
                    {
                        var a = s.Args[k];
                        sb.Append(k == 0 ? "\n" : ",\n");
                        sb.Append("        { \"index\": ").Append(Num(a.Index)).Append(", \"value\": ").Append(Num(a.Value))
                          .Append(", \"valueTwo\": ").Append(Num(a.ValueTwo)).Append(", \"op\": \"").Append(a.Op).Append("\" }");
                    }
                    sb.Append("\n      ]");
                }
                sb.Append("\n    }");
            }
            sb.Append(profile.Syscalls.Count > 0 ? "\n  ]\n" : "]\n");
            sb.Append("}\n");
            return sb.ToString();
        }

        private static string Num(ulong v) => v.ToString(CultureInfo.InvariantCulture);

        private static string Num(int v) => v.ToString(CultureInfo.InvariantCulture);
    }
}
