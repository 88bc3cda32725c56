using System;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Seccomp.Tests.Support;
using Xunit;

namespace Seccomp.Tests;

/// <summary>
/// The one package users add: `dotnet pack` makes Seccomp.Generators.nupkg, and a fresh console app that references
/// only it gets the generated members and sandboxes itself.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Package)]
public class PackageTests
{
    private static (int Exit, string Output) Dotnet(string workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(300_000)) { p.Kill(true); throw new TimeoutException("dotnet " + string.Join(" ", args)); }
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>
    /// Issue 21, item 12: `dotnet pack` of the solution makes the three shipped packages and prints no warning, and each
    /// carries its readme, description, tags, license and repository.
    /// </summary>
    [Fact]
    public void PackingTheSolutionMakesTheThreeShippedPackagesWithTheirMetadataAndNoWarning()
    {
        string feed = Path.Combine(Path.GetTempPath(), "seccomp-pack-" + Guid.NewGuid().ToString("N"));
        try
        {
            var pack = Dotnet(Paths.Repo, "pack", "Seccomp.Generators.sln", "-c", "Release", "-o", feed, "--no-restore", "-nodeReuse:false");
            Assert.True(pack.Exit == 0, pack.Output);
            Assert.DoesNotMatch(@"(?i)\bwarning\b", pack.Output);
            var packages = Directory.GetFiles(feed, "*.nupkg").Select(f => Path.GetFileName(f)!).OrderBy(n => n, StringComparer.Ordinal).ToArray();
            Assert.Equal(new[] { "Seccomp.Generators.0.1.0.nupkg", "Seccomp.Generators.Hosting.0.1.0.nupkg", "Seccomp.Generators.Tool.0.1.0.nupkg" }, packages);
            foreach (string name in packages)
            {
                using var zip = ZipFile.OpenRead(Path.Combine(feed, name));
                var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec")).Open()).ReadToEnd();
                Assert.Contains("<readme>README.md</readme>", nuspec);
                Assert.Contains(zip.Entries, e => e.FullName == "README.md" && e.Length > 500);
                Assert.Matches("<description>.{40,}</description>", nuspec);
                Assert.Matches("<tags>seccomp .+</tags>", nuspec);
                Assert.Contains("<license type=\"expression\">MIT</license>", nuspec);
                Assert.Contains("<projectUrl>https://github.com/seccomp-generators/Seccomp.Generators</projectUrl>", nuspec);
                Assert.Contains("<repository type=\"git\" url=\"https://github.com/seccomp-generators/Seccomp.Generators\"", nuspec);
            }
        }
        finally
        {
            if (Directory.Exists(feed)) Directory.Delete(feed, true);
        }
    }

    [Fact]
    public void FreshConsoleAppReferencingOnlyThePackageGetsTheGeneratedMembers()
    {
        string work = Path.Combine(Path.GetTempPath(), "seccomp-package-" + Guid.NewGuid().ToString("N"));
        string feed = Path.Combine(work, "feed");
        string app = Path.Combine(work, "app");
        Directory.CreateDirectory(app);
        try
        {
            // Release: the Debug build this test runs from is left alone.
            var pack = Dotnet(Paths.Repo, "pack", "src/Seccomp/Seccomp.csproj", "-c", "Release", "-o", feed);
            Assert.True(pack.Exit == 0, pack.Output);
            string nupkg = Assert.Single(Directory.GetFiles(feed, "*.nupkg"));
            Assert.StartsWith("Seccomp.Generators.", Path.GetFileName(nupkg));
            using (var zip = ZipFile.OpenRead(nupkg))
            {
                var entries = zip.Entries.Select(e => e.FullName).ToArray();
                // lib/ holds the runtime alone: the compiler core is only where the compiler loads it.
                Assert.Equal(new[] { "lib/net8.0/Seccomp.dll", "lib/net8.0/Seccomp.xml" }, entries.Where(e => e.StartsWith("lib/")).OrderBy(e => e, StringComparer.Ordinal));
                Assert.Contains("analyzers/dotnet/cs/Seccomp.Generators.dll", entries);
                Assert.Contains("analyzers/dotnet/cs/Seccomp.Compiler.dll", entries);
                Assert.Contains("analyzers/dotnet/cs/Seccomp.Analyzers.dll", entries);
                // SeccompAllowRecording and the properties the generator reads (docs/tool.md).
                Assert.Contains("build/Seccomp.Generators.targets", entries);
                Assert.Contains("buildTransitive/Seccomp.Generators.targets", entries);
                var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec")).Open()).ReadToEnd();
                Assert.DoesNotContain("<dependency ", nuspec);
            }

            File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
                <configuration>
                  <packageSources><clear /><add key="local" value="{feed}" /></packageSources>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(app, "App.csproj"), """
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable></PropertyGroup>
                  <ItemGroup><PackageReference Include="Seccomp.Generators" Version="0.1.0" /></ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(app, "Program.cs"), """
                using Seccomp;

                Sandbox.Apply();
                var v = Sandbox.Evaluate(SeccompArch.X86_64, "keyctl");
                System.Console.WriteLine($"applied {Sandbox.Architectures.Count} {v} {Sandbox.GetProgram(SeccompArch.X86_64).Count > 0}");

                [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
                [Allow("@dotnet-runtime")]
                [Deny("keyctl", Errno = Errno.EACCES)]
                static partial class Sandbox;
                """);
            var run = Dotnet(app, "run", "--property:NuGetAudit=false");
            Assert.True(run.Exit == 0, run.Output);
            Assert.Contains("applied 3 ERRNO(13) True", run.Output);
        }
        finally
        {
            try { Directory.Delete(work, true); } catch (IOException) { }
        }
    }
}
