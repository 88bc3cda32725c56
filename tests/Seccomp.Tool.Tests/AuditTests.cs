using System.IO;
using System.Text.Json.Nodes;
using Xunit;

namespace Seccomp.Tool.Tests;

public class AuditTests
{
    private const string Dmesg =
        "[ 1234.567890] audit: type=1326 audit(1700000000.123:45): auid=4294967295 uid=1000 gid=1000 ses=4294967295 subj=unconfined pid=4242 comm=\"dotnet\" exe=\"/usr/share/dotnet/dotnet\" sig=0 arch=c000003e syscall=41 compat=0 ip=0x7f0c1d2e3f40 code=0x50000\n"
        + "[ 1234.567990] audit: type=1326 audit(1700000000.124:46): auid=4294967295 uid=1000 gid=1000 ses=4294967295 subj=unconfined pid=4242 comm=\"dotnet\" exe=\"/usr/share/dotnet/dotnet\" sig=0 arch=c000003e syscall=41 compat=0 ip=0x7f0c1d2e3f40 code=0x50000\n"
        + "[ 1234.600000] usb 1-1: new high-speed USB device number 2\n";

    private const string Journal =
        "Nov 29 09:00:00 host kernel: audit: type=1326 audit(1700000001.000:47): auid=1000 uid=1000 gid=1000 ses=2 subj=unconfined pid=4343 comm=\"worker\" exe=\"/usr/bin/dotnet\" sig=0 arch=c000003e syscall=50 compat=0 ip=0x7f0c1d2e3f41 code=0x7ffc0000\n"
        + "Nov 29 09:00:00 host kernel: audit: type=1326 audit(1700000001.001:48): auid=1000 uid=1000 gid=1000 ses=2 subj=unconfined pid=4343 comm=\"worker\" exe=\"/usr/bin/dotnet\" sig=0 arch=40000003 syscall=102 compat=1 ip=0xf7f1c549 code=0x7ffc0000\n";

    private const string AuditLog =
        "type=SECCOMP msg=audit(1700000002.000:49): auid=0 uid=0 gid=0 ses=1 subj=unconfined pid=4444 comm=\"dotnet\" exe=\"/usr/bin/dotnet\" sig=31 arch=c00000b7 syscall=198 compat=0 ip=0xffff8c1d2e3f code=0x80000000\u001dAUID=\"root\" UID=\"root\" GID=\"root\" ARCH=aarch64 SYSCALL=socket\n"
        + "type=SYSCALL msg=audit(1700000002.001:50): arch=c000003e syscall=59 success=yes exit=0\n";

    [Fact]
    public void Parses_dmesg_journalctl_and_audit_log_lines_and_keeps_i386_apart()
    {
        var result = AuditParser.Parse(new StringReader(Dmesg + Journal + AuditLog));
        Assert.Equal(5, result.SeccompLines);
        Assert.Equal(1, result.ForeignLines);
        var x64 = result.Recording.Architectures["x86_64"];
        Assert.Equal(2, x64["socket"].Count);   // 41 on x86_64
        Assert.Equal(1, x64["listen"].Count);   // 50 on x86_64
        Assert.Null(x64["socket"].Args);         // audit lines carry no argument values
        Assert.Equal(1, x64["socket"].Processes);
        Assert.Equal(1, result.Recording.Architectures["aarch64"]["socket"].Count); // 198 on aarch64
        // i386's 102 is socketcall there (getuid on x86_64): never mapped with the x86_64 table.
        Assert.False(x64.ContainsKey("getuid"));
        Assert.Equal(1, result.Recording.Foreign["i386"]["nr_102"]);
        Assert.Equal(3, result.Pids.Count);
    }

    [Fact]
    public void Audit_verb_writes_a_recording()
    {
        string dir = ProcessRunner.TempDir();
        string input = Path.Combine(dir, "kern.log"), output = Path.Combine(dir, "audit.json");
        File.WriteAllText(input, Dmesg + Journal);
        var r = ProcessRunner.Tool("audit", input, "-o", output);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("read 4 seccomp audit lines: 2 distinct calls from 2 processes, 1 foreign", r.Stderr);
        var rec = JsonNode.Parse(File.ReadAllText(output))!;
        Assert.Equal("audit", rec["source"]!.GetValue<string>());
        Assert.Equal(2, rec["architectures"]!["x86_64"]!["socket"]!["count"]!.GetValue<long>());
        Assert.Equal(1, rec["foreign"]!["i386"]!["nr_102"]!.GetValue<long>());
        Assert.Equal(4, ProcessRunner.Tool("audit", Path.Combine(dir, "missing.log"), "-o", output).ExitCode);
    }
}
