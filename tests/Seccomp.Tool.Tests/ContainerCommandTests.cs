using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json.Nodes;
using Xunit;

namespace Seccomp.Tool.Tests;

/// <summary>
/// `export` and `import` as a user runs them: PolicyApp's built policy (getpgid denied with EACCES, socket(AF_PACKET)
/// with EAFNOSUPPORT, everything else allowed) as an OCI profile, a SeccompProfile and crun's annotation, and Docker's
/// default profile as a class. Exactness against libseccomp is OciDifferentialTests' job (tests/Seccomp.Tests).
/// </summary>
public class ContainerCommandTests
{
    private static string PolicyApp => typeof(ContainerCommandTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "PolicyAppDebug").Value!;

    private static string DockerProfile => Path.Combine(ProcessRunner.RepoRoot, "data", "corpus", "docker-default.json");

    [Fact]
    public void Export_oci_writes_the_policy_for_every_architecture_with_the_32_bit_domain_compared_on_its_low_word()
    {
        string dir = ProcessRunner.TempDir();
        string file = Path.Combine(dir, "seccomp.json");
        var r = ProcessRunner.Tool("export", PolicyApp, "--format", "oci", "-o", file);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var profile = JsonNode.Parse(File.ReadAllText(file))!;
        Assert.Equal("SCMP_ACT_ALLOW", (string?)profile["defaultAction"]);
        Assert.Equal(new[] { "SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64", "SCMP_ARCH_RISCV64" }, profile["architectures"]!.AsArray().Select(a => (string?)a));
        var entries = profile["syscalls"]!.AsArray();
        var getpgid = Assert.Single(entries, e => e!["names"]!.AsArray().Any(n => (string?)n == "getpgid"))!;
        Assert.Equal("SCMP_ACT_ERRNO", (string?)getpgid["action"]);
        Assert.Equal(13, (int)getpgid["errnoRet"]!);
        var socket = Assert.Single(entries, e => e!["names"]!.AsArray().Any(n => (string?)n == "socket"))!;
        Assert.Equal(97, (int)socket["errnoRet"]!);
        var arg = Assert.Single(socket["args"]!.AsArray())!;
        Assert.Equal("SCMP_CMP_MASKED_EQ", (string?)arg["op"]);
        Assert.Equal(0xffffffffUL, (ulong)arg["value"]!);
        Assert.Equal(17UL, (ulong)arg["valueTwo"]!);
    }

    [Fact]
    public void Export_spo_writes_a_SeccompProfile_with_the_pod_snippet()
    {
        string file = Path.Combine(ProcessRunner.TempDir(), "profile.yaml");
        var r = ProcessRunner.Tool("export", PolicyApp, "--format", "spo", "--arch", "x86_64", "-o", file);
        Assert.True(r.ExitCode == 0, r.Stderr);
        string yaml = File.ReadAllText(file);
        Assert.Contains("apiVersion: security-profiles-operator.x-k8s.io/v1\n", yaml);
        Assert.Contains("kind: SeccompProfile\n", yaml);
        Assert.Contains("  name: sandbox\n", yaml);
        Assert.Contains("#         type: Localhost\n", yaml);
        Assert.Contains("#         localhostProfile: operator/NAMESPACE/sandbox.json\n", yaml);
        Assert.Contains("  - action: SCMP_ACT_ERRNO\n    errnoRet: 13\n    names:\n    - getpgid\n", yaml);
        Assert.Contains("  architectures:\n  - SCMP_ARCH_X86_64\n  syscalls:", yaml);
    }

    [Fact]
    public void Export_crun_carries_the_assemblys_own_program_bytes()
    {
        string file = Path.Combine(ProcessRunner.TempDir(), "annotation.json");
        var r = ProcessRunner.Tool("export", PolicyApp, "--format", "crun", "--arch", "aarch64", "-o", file);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var bytes = Convert.FromBase64String((string)JsonNode.Parse(File.ReadAllText(file))!["run.oci.seccomp_bpf_data"]!);
        // The program's first instruction loads seccomp_data.arch (BPF_LD|BPF_W|BPF_ABS, k = 4), the second compares it
        // with AUDIT_ARCH_AARCH64; struct sock_filter is little-endian here.
        Assert.Equal(0, bytes.Length % 8);
        Assert.Equal(0x20, BitConverter.ToUInt16(bytes, 0));
        Assert.Equal(4u, BitConverter.ToUInt32(bytes, 4));
        Assert.Equal(0xC00000B7u, BitConverter.ToUInt32(bytes, 12));
        var explain = ProcessRunner.Tool("explain", PolicyApp, "--arch", "aarch64");
        Assert.DoesNotContain("differs", explain.Stdout);
    }

    [Fact]
    public void Export_refuses_bad_input_with_one_line_and_a_documented_code()
    {
        string dir = ProcessRunner.TempDir();
        var usage = ProcessRunner.Tool("export", PolicyApp, "--format", "docker", "-o", Path.Combine(dir, "x"));
        Assert.Equal(1, usage.ExitCode);
        var arch = ProcessRunner.Tool("export", PolicyApp, "--format", "oci", "--arch", "mips", "-o", Path.Combine(dir, "x"));
        Assert.Equal(1, arch.ExitCode);
        Assert.Contains("unknown architecture 'mips'", arch.Stderr);
        var two = ProcessRunner.Tool("export", PolicyApp, "--format", "crun", "--arch", "x86_64", "--arch", "aarch64", "-o", Path.Combine(dir, "x"));
        Assert.Equal(1, two.ExitCode);
        var missing = ProcessRunner.Tool("export", Path.Combine(dir, "nope.dll"), "--format", "oci", "-o", Path.Combine(dir, "x"));
        Assert.Equal(4, missing.ExitCode);
        Assert.Single(missing.Stderr.Trim().Split('\n'));
        var output = ProcessRunner.Tool("export", PolicyApp, "--format", "oci", "-o", Path.Combine(dir, "no", "x.json"));
        Assert.Equal(4, output.ExitCode);
        Assert.Contains("does not exist", output.Stderr);
        var policy = ProcessRunner.Tool("export", PolicyApp, "--format", "oci", "--policy", "Nope", "-o", Path.Combine(dir, "x"));
        Assert.Equal(4, policy.ExitCode);
        Assert.DoesNotContain("   at ", usage.Stderr + arch.Stderr + missing.Stderr + output.Stderr + policy.Stderr);
    }

    [Fact]
    public void Import_writes_Dockers_default_profile_as_the_committed_class()
    {
        // eng/regenerate.sh --check keeps the committed class equal to this import; here the verb runs as a user runs it.
        string file = Path.Combine(ProcessRunner.TempDir(), "Docker.cs");
        var r = ProcessRunner.Run(ProcessRunner.Dotnet, new[] { ProcessRunner.ToolDll, "import", "data/corpus/docker-default.json",
            "--class", "Seccomp.Tests.Policies.DockerDefaultPolicy", "--arch", "x86_64", "--kernel", "6.18", "-o", file }, workingDirectory: ProcessRunner.RepoRoot);
        Assert.True(r.ExitCode == 0, r.Stderr);
        string committed = File.ReadAllText(Path.Combine(ProcessRunner.RepoRoot, "tests", "Seccomp.TestChild", "Policies", "DockerDefaultPolicy.g.cs"));
        Assert.Equal(committed, File.ReadAllText(file));
        Assert.Contains("[Allow(\"clone\", When = \"(clone_flags & 0x7E020000) == 0\")]", committed);
        Assert.Contains("[Deny(\"clone3\", Errno = Errno.ENOSYS)]", committed);
        Assert.Contains("//   needs CAP_SYS_ADMIN: bpf, clone, clone3, fanotify_init", committed);
    }

    [Fact]
    public void Import_resolves_capabilities_and_refuses_what_a_policy_cannot_say()
    {
        string dir = ProcessRunner.TempDir();
        string file = Path.Combine(dir, "Admin.cs");
        var admin = ProcessRunner.Tool("import", DockerProfile, "--class", "Ns.Admin", "--arch", "x86_64", "--kernel", "6.18", "--caps", "CAP_SYS_ADMIN,SYS_PTRACE", "-o", file);
        Assert.True(admin.ExitCode == 0, admin.Stderr);
        string text = File.ReadAllText(file);
        Assert.Contains("\"mount\"", text);          // includes.caps CAP_SYS_ADMIN
        Assert.Contains("\"ptrace\"", text);
        Assert.DoesNotContain("\"reboot\"", text);   // needs CAP_SYS_BOOT

        string bad = Path.Combine(dir, "bad.json");
        File.WriteAllText(bad, "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"},"
            + "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_MASKED_NE\"}]}]}");
        var r = ProcessRunner.Tool("import", bad, "--class", "Ns.Bad", "--arch", "x86_64", "--kernel", "6.1", "-o", Path.Combine(dir, "Bad.cs"));
        Assert.Equal(4, r.ExitCode);
        Assert.Equal($"dotnet-seccomp: {bad}: $.syscalls[1]: comparison SCMP_CMP_MASKED_NE is not one of SCMP_CMP_EQ, NE, LT, LE, GT, GE, MASKED_EQ", r.Stderr.Trim());
        File.WriteAllText(bad, "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":4294967296,\"op\":\"SCMP_CMP_EQ\"}]}]}");
        var range = ProcessRunner.Tool("import", bad, "--class", "Ns.Bad", "--arch", "x86_64", "--kernel", "6.1", "-o", Path.Combine(dir, "Bad.cs"));
        Assert.Equal(4, range.ExitCode);
        Assert.Contains("$.syscalls[0] (socket)", range.Stderr);
        var notJson = ProcessRunner.Tool("import", file, "--class", "Ns.Bad", "--arch", "x86_64", "-o", Path.Combine(dir, "Bad.cs"));
        Assert.Equal(4, notJson.ExitCode);
        Assert.Contains("not JSON", notJson.Stderr);
        Assert.Equal(1, ProcessRunner.Tool("import", DockerProfile, "--class", "1bad", "-o", Path.Combine(dir, "B.cs")).ExitCode);
    }
}
