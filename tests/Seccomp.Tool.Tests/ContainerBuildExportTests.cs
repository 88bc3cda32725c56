using System;
using System.IO;
using Xunit;

namespace Seccomp.Tool.Tests;

/// <summary>
/// SeccompExportOci=true: a small project's build writes each policy's OCI profile next to its assembly, the very file
/// `dotnet-seccomp export --format oci` writes for it; a policy with no exact profile gets a warning and no file.
/// </summary>
public class ContainerBuildExportTests
{
    [Fact]
    public void A_build_with_SeccompExportOci_writes_the_profile_export_writes()
    {
        string dir = ProcessRunner.TempDir();
        string props = Path.Combine(ProcessRunner.RepoRoot, "build", "Seccomp.InRepo.props");
        File.WriteAllText(Path.Combine(dir, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <SeccompExportOci>true</SeccompExportOci>
              </PropertyGroup>
              <Import Project="{props}" />
            </Project>
            """);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), """
            using Seccomp;
            namespace App;
            [SeccompPolicy(DefaultAction = SeccompAction.Errno, Architectures = new[] { SeccompArch.X86_64, SeccompArch.Aarch64 })]
            [Allow("read", "write", "exit_group")]
            [Allow("socket", When = "domain in (AF_UNIX, AF_INET) && (type & 0xf) == SOCK_STREAM")]
            [Kill("ptrace")]
            internal static partial class Box;
            [SeccompPolicy(DefaultAction = SeccompAction.Errno, Architectures = new[] { SeccompArch.X86_64 })]
            [Allow("kill", When = "pid == SELF_PID")]
            internal static partial class Self;
            internal static class Program { private static void Main() { } }
            """);
        var build = ProcessRunner.Run(ProcessRunner.Dotnet, new[] { "build", Path.Combine(dir, "App.csproj"), "-nodeReuse:false", "-v", "m", "-o", Path.Combine(dir, "out") },
            timeoutMs: 300_000);
        Assert.True(build.ExitCode == 0, build.Stdout + build.Stderr);
        string written = Path.Combine(dir, "out", "App.Box.seccomp.json");
        Assert.True(File.Exists(written), build.Stdout);
        Assert.Contains("SeccompExportOci: no exact OCI profile for App.Self: kill: SELF_PID", build.Stdout);
        Assert.False(File.Exists(Path.Combine(dir, "out", "App.Self.seccomp.json")));

        string exported = Path.Combine(dir, "export.json");
        var export = ProcessRunner.Tool("export", Path.Combine(dir, "out", "App.dll"), "--policy", "Box", "--format", "oci", "-o", exported);
        Assert.True(export.ExitCode == 0, export.Stderr);
        Assert.Equal(File.ReadAllText(exported).TrimEnd(), File.ReadAllText(written).TrimEnd());
    }
}
