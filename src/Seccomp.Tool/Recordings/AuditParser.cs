// `dotnet-seccomp audit`: the kernel's seccomp audit records (type=1326 / type=SECCOMP) as a recording.

using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;
using Seccomp.Compiler;

namespace Seccomp.Tool;

internal static class AuditParser
{
    // dmesg:      [ 1234.5678] audit: type=1326 audit(1700000000.123:45): auid=... pid=1234 comm="dotnet" ... arch=c000003e syscall=41 compat=0 ...
    // journalctl: Nov 29 09:00:00 host kernel: audit: type=1326 audit(1700000000.123:45): ... arch=c000003e syscall=41 ...
    // audit.log:  type=SECCOMP msg=audit(1700000000.123:45): ... arch=c000003e syscall=41 ... (enriched: ARCH=x86_64 SYSCALL=socket after 0x1d)
    private static readonly Regex s_isSeccomp = new(@"\btype=(?:1326|SECCOMP)\b", RegexOptions.CultureInvariant);
    private static readonly Regex s_arch = new(@"(?<![A-Za-z_])arch=([0-9a-fA-F]+)\b", RegexOptions.CultureInvariant);
    private static readonly Regex s_syscall = new(@"(?<![A-Za-z_])syscall=(\d+)\b", RegexOptions.CultureInvariant);
    private static readonly Regex s_pid = new(@"(?<![A-Za-z_])pid=(\d+)\b", RegexOptions.CultureInvariant);

    /// <summary>Names of the AUDIT_ARCH values of ABIs the policies do not target.</summary>
    private static string ForeignName(uint auditArch) => auditArch switch
    {
        0x40000003 => "i386",
        0x40000028 => "arm",
        _ => $"arch_0x{auditArch:x8}",
    };

    public sealed class Result
    {
        public Recording Recording { get; } = new() { Source = "audit" };
        public int SeccompLines { get; set; }
        public int BadLines { get; set; }
        public int ForeignLines { get; set; }
        public HashSet<int> Pids { get; } = new();
    }

    public static Result Parse(TextReader reader)
    {
        var result = new Result();
        var pidsByCall = new Dictionary<SyscallStats, HashSet<int>>();
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            if (!s_isSeccomp.IsMatch(line)) continue;
            result.SeccompLines++;
            var a = s_arch.Match(line);
            var s = s_syscall.Match(line);
            if (!a.Success || !s.Success
                || !uint.TryParse(a.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint auditArch)
                || !int.TryParse(s.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int nr))
            {
                result.BadLines++;
                continue;
            }
            result.Recording.Notifications++;
            var arch = ArchInfo.FromAuditArch(auditArch);
            if (arch == null)
            {
                // Another ABI (i386 int 0x80 on x86_64, arm on arm64): its numbers mean other calls; never map them.
                result.ForeignLines++;
                result.Recording.AddForeign(ForeignName(auditArch), nr);
                continue;
            }
            if (arch.HasX32 && (nr & ArchInfo.X32SyscallBit) != 0)
            {
                result.ForeignLines++;
                result.Recording.AddForeign("x32", nr & ~(int)ArchInfo.X32SyscallBit);
                continue;
            }
            var stats = result.Recording.Get(arch, nr, withArgs: false);
            stats.Count++;
            var p = s_pid.Match(line);
            if (p.Success && int.TryParse(p.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                result.Pids.Add(pid);
                if (!pidsByCall.TryGetValue(stats, out var set)) pidsByCall[stats] = set = new HashSet<int>();
                if (set.Add(pid)) stats.Processes = set.Count;
            }
        }
        return result;
    }
}
