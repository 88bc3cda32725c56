using System.IO;
using System.Linq;
using Seccomp.Tests.Support;
using Xunit;

namespace Seccomp.Tests;

/// <summary>
/// The generated source for fixed policies, compared with committed .verified.cs files. A difference writes a
/// .received.cs file beside the verified one and fails; accept a change by copying received over verified.
/// </summary>
public class GoldenFileTests
{
    public const string Service = """
        using Seccomp;
        namespace Contoso.Service;

        [SeccompPolicy(DefaultAction = SeccompAction.Errno, Architectures = new[] { SeccompArch.X86_64, SeccompArch.Aarch64 })]
        [Allow("read", "write", "close", "exit_group", "futex", "mmap", "munmap")]
        [Deny("execve", "execveat", Errno = Errno.EACCES)]
        [Kill("ptrace")]
        [Log("connect")]
        internal static partial class ServiceSandbox;
        """;

    public const string Nested = """
        using Seccomp;
        namespace Contoso;

        public partial class Host
        {
            [SeccompPolicy(DefaultAction = SeccompAction.KillProcess, BadArchAction = SeccompAction.Errno, Architectures = new[] { SeccompArch.Aarch64 })]
            [Allow("@exit", "getpid")]
            [Trap("kill", Data = 7)]
            [Trace("uname", Data = 3)]
            [Notify("mount")]
            [Kill("tgkill", Thread = true)]
            private static partial class Narrow;
        }
        """;

    public const string Conditional = """
        using Seccomp;

        [SeccompPolicy(Architectures = new[] { SeccompArch.X86_64 })]
        [Allow("socket", When = "domain in (AF_UNIX, AF_INET, AF_INET6)")]
        [Allow("ioctl", When = "cmd == FIONBIO")]
        [Allow("openat", When = "(flags & O_ACCMODE) == O_RDONLY && dfd == AT_FDCWD")]
        [Allow("mmap", When = "!(prot & PROT_EXEC) || fd == 0xffffffff")]
        [Deny("lseek", When = "offset < -1", Errno = Errno.EINVAL)]
        static partial class GlobalPolicy;
        """;

    [Theory]
    [InlineData("Service", Service)]
    [InlineData("Nested", Nested)]
    [InlineData("Conditional", Conditional)]
    public void GeneratedSourceMatchesGolden(string name, string source)
    {
        var generated = Assert.Single(GeneratorHarness.Generate(source)).Replace("\r\n", "\n");
        string dir = Path.Combine(Paths.Repo, "tests", "Seccomp.Tests", "Generator", "Golden");
        string verified = Path.Combine(dir, name + ".verified.cs");
        string received = Path.Combine(dir, name + ".received.cs");
        string expected = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n") : "";
        if (expected != generated)
        {
            File.WriteAllText(received, generated);
            Assert.Fail($"generated source differs from {verified}; see {received}" + (expected.Length == 0 ? " (no verified file yet)" : ""));
        }
        if (File.Exists(received)) File.Delete(received);
    }

    [Theory]
    [InlineData(Service)]
    [InlineData(Nested)]
    [InlineData(Conditional)]
    public void GoldenPoliciesCompileAndHaveNoAnalyzerErrors(string source)
    {
        GeneratorHarness.CompileAndLoad(source);
        Assert.DoesNotContain(GeneratorHarness.Analyze(source), d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
    }

    [Fact]
    public void GenericAndSimilarlyNamedPolicyClassesGetTheirOwnFiles()
    {
        const string source = """
            using Seccomp;
            namespace N;
            public partial class A<B>
            {
                [SeccompPolicy(Architectures = new[] { SeccompArch.X86_64 })] [Allow("@dotnet-runtime")] public static partial class P;
            }
            public partial class A_B_
            {
                [SeccompPolicy(Architectures = new[] { SeccompArch.X86_64 })] [Allow("@dotnet-runtime")] public static partial class P;
            }
            [SeccompPolicy(Architectures = new[] { SeccompArch.X86_64 })] [Allow("@dotnet-runtime")] public static partial class G<T>;
            """;
        Assert.Equal(3, GeneratorHarness.Generate(source).Length);
        var assembly = GeneratorHarness.CompileAndLoad(source);
        Assert.NotNull(assembly.GetType("N.G`1")!.GetMethod("Apply", System.Type.EmptyTypes));
    }
}
