// The security-profiles-operator's SeccompProfile (security-profiles-operator.x-k8s.io/v1) for an OCI profile, as YAML.
// Written by hand: every scalar is a fixed name, a syscall name or a number, so no quoting rules come into play and no
// YAML library is needed.

using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Seccomp.Compiler;
using Seccomp.Compiler.Containers;

namespace Seccomp.Tool;

internal static class SpoYaml
{
    public const string ApiVersion = "security-profiles-operator.x-k8s.io/v1";

    /// <summary>SPO's args[].value and valueTwo are int64 with minimum 0: what the CRD cannot hold.</summary>
    public static IEnumerable<string> Unrepresentable(OciProfile profile) =>
        profile.Syscalls.SelectMany(s => s.Args.Where(a => a.Value > long.MaxValue || a.ValueTwo > long.MaxValue)
            .Select(a => $"{string.Join(", ", s.Names.Take(3))}{(s.Names.Count > 3 ? ", ..." : "")}: arg{a.Index} {a.Op} 0x{a.Value:x}"
                + (a.Op == OciArg.MaskedEq ? $"/0x{a.ValueTwo:x}" : "") + " is 2^63 or more, and a SeccompProfile's value is an int64 >= 0"))
            .Distinct();

    /// <summary>A Kubernetes object name (RFC 1123 label) from a policy class name: Ns.WebSandbox -> websandbox.</summary>
    public static string ObjectName(string policyName)
    {
        string last = policyName.Substring(policyName.LastIndexOf('.') + 1);
        var sb = new StringBuilder();
        foreach (char c in last.ToLowerInvariant())
            sb.Append(c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '-');
        string name = sb.ToString().Trim('-');
        return name.Length == 0 ? "policy" : name.Length > 63 ? name.Substring(0, 63).TrimEnd('-') : name;
    }

    public static string Write(OciProfile profile, string name, string policyName)
    {
        var sb = new StringBuilder();
        sb.Append("# The seccomp policy ").Append(policyName).Append(", exported by dotnet-seccomp export --format spo.\n");
        sb.Append("# Once the operator has installed it on the nodes (kubectl get seccompprofile ").Append(name)
          .Append(" -o jsonpath='{.status.localhostProfile}'\n");
        sb.Append("# gives the path), a pod uses it with:\n");
        sb.Append("#   spec:\n");
        sb.Append("#     securityContext:\n");
        sb.Append("#       seccompProfile:\n");
        sb.Append("#         type: Localhost\n");
        sb.Append("#         localhostProfile: operator/NAMESPACE/").Append(name).Append(".json\n");
        sb.Append("apiVersion: ").Append(ApiVersion).Append('\n');
        sb.Append("kind: SeccompProfile\n");
        sb.Append("metadata:\n");
        sb.Append("  name: ").Append(name).Append('\n');
        sb.Append("spec:\n");
        sb.Append("  defaultAction: ").Append(OciProfile.ActionName(profile.DefaultAction.Action)).Append('\n');
        if (profile.DefaultAction.Action is SeccompAction.Errno or SeccompAction.Trace)
            sb.Append("  defaultErrnoRet: ").Append(Num(profile.DefaultAction.Data)).Append('\n');
        sb.Append("  architectures:\n");
        foreach (var a in profile.Architectures) sb.Append("  - ").Append(OciProfile.ArchName(a)).Append('\n');
        if (profile.LogDenied) sb.Append("  flags:\n  - SECCOMP_FILTER_FLAG_LOG\n");
        sb.Append("  syscalls:").Append(profile.Syscalls.Count == 0 ? " []\n" : "\n");
        foreach (var s in profile.Syscalls)
        {
            sb.Append("  - action: ").Append(OciProfile.ActionName(s.Action.Action)).Append('\n');
            if (s.Action.Action is SeccompAction.Errno or SeccompAction.Trace)
                sb.Append("    errnoRet: ").Append(Num(s.Action.Data)).Append('\n');
            sb.Append("    names:\n");
            foreach (var n in s.Names) sb.Append("    - ").Append(n).Append('\n');
            if (s.Args.Count == 0) continue;
            sb.Append("    args:\n");
            foreach (var a in s.Args)
            {
                sb.Append("    - index: ").Append(Num((ulong)a.Index)).Append('\n');
                sb.Append("      value: ").Append(Num(a.Value)).Append('\n');
                sb.Append("      valueTwo: ").Append(Num(a.ValueTwo)).Append('\n');
                sb.Append("      op: ").Append(a.Op).Append('\n');
            }
        }
        return sb.ToString();
    }

    private static string Num(ulong v) => v.ToString(CultureInfo.InvariantCulture);
}
