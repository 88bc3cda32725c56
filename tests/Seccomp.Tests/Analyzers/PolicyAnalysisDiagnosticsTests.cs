using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Seccomp.Analyzers;
using Xunit;

namespace Seccomp.Tests.Analyzers;

/// <summary>Warnings for questionable policy (SECC0030-0042): a positive and a negative test each, at the exact place.</summary>
public class PolicyAnalysisDiagnosticsTests
{
    // ---- SECC0030: a rule that never decides a call ---------------------------------------------------------------

    [Fact]
    public Task Secc0030_ShadowedRule_OnTheAttribute() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("openat", When = "(flags & O_CREAT) != 0")]
        [{|SECC0030:Deny("openat", When = "flags & O_CREAT", Errno = Errno.EACCES)|}]
        internal static partial class P;
        """, "SECC0030");

    [Fact]
    public Task Secc0030_OneNameOfSeveral_OnTheName() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("ptrace")]
        [Deny("getpid", {|SECC0030:"ptrace"|})]
        internal static partial class P;
        """, "SECC0030");

    [Fact]
    public Task Secc0030_CoveredByTheUnionOfStricterRules() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
        [Kill("read", When = "fd < 5")]
        [Deny("read", When = "fd >= 5", Errno = Errno.EBADF)]
        [{|SECC0030:Allow("read", When = "fd < 10")|}]
        internal static partial class P;
        """, "SECC0030");

    [Fact]
    public Task Secc0030_RuleThatDecidesSomeCalls_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
        [Kill("read", When = "fd < 5")]
        [Allow("read", When = "fd < 10")]
        [Kill("ptrace", When = "request == 0")]
        [Deny("ptrace")]
        internal static partial class P;
        """, "SECC0030");

    // ---- SECC0031: duplicates ---------------------------------------------------------------------------------------

    [Fact]
    public Task Secc0031_SameRuleTwice_TheLaterOne() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
        [Allow("@dotnet-runtime")]
        [Allow("socket", When = "family == AF_INET")]
        [{|SECC0031:Allow("socket", When = "family == 2")|}]
        internal static partial class P;
        """, "SECC0031");

    [Fact]
    public Task Secc0031_NameAlreadyInAGroup() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
        [Allow("@dotnet-runtime")]
        [Allow("accept4", {|SECC0031:"epoll_wait"|})]
        [{|SECC0031:Allow("ioctl", When = "cmd == FIONBIO")|}]
        internal static partial class P;
        """, "SECC0031");

    [Fact]
    public Task Secc0031_DifferentConditions_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
        [Allow("socket", When = "family == AF_INET")]
        [Allow("socket", When = "family == AF_INET6")]
        [Allow("read", "write")]
        internal static partial class P;
        """, "SECC0031");

    // ---- SECC0032: same as the default -----------------------------------------------------------------------------

    [Fact]
    public Task Secc0032_DenyWithTheDefaultErrno() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
        [Allow("read")]
        [{|SECC0032:Deny("execve")|}]
        internal static partial class P;
        """, "SECC0032");

    [Fact]
    public Task Secc0032_AllowWhenTheDefaultAllows() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("ptrace")]
        [{|SECC0032:Allow("read")|}]
        internal static partial class P;
        """, "SECC0032");

    [Fact]
    public Task Secc0032_DenyThatOverridesAnAllow_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
        [Allow("openat")]
        [Deny("openat", When = "flags & O_CREAT")]
        [Deny("execve", Errno = Errno.EACCES)]
        internal static partial class P;
        """, "SECC0032");

    // ---- SECC0033: conflicting errno values --------------------------------------------------------------------------

    [Fact]
    public Task Secc0033_TheSameCallsWithTwoErrnoValues() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Deny("openat", Errno = Errno.ENOENT)]
        [{|SECC0033:Deny("openat", Errno = Errno.EACCES)|}]
        internal static partial class P;
        """, "SECC0033");

    [Fact]
    public Task Secc0033_OverlappingConditions() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Deny("openat", When = "flags & O_CREAT", Errno = Errno.ENOENT)]
        [{|SECC0033:Deny("openat", When = "dfd == 5", Errno = Errno.EACCES)|}]
        internal static partial class P;
        """, "SECC0033");

    [Fact]
    public Task Secc0033_ANarrowerException_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Deny("openat", Errno = Errno.EACCES)]
        [Deny("openat", When = "flags & O_CREAT", Errno = Errno.ENOENT)]
        internal static partial class P;
        """, "SECC0033");

    // ---- SECC0034 / SECC0035: constant conditions, located on the characters inside the string -----------------------

    [Fact]
    public Task Secc0034_NeverTrue_RegularVerbatimRaw() => Verify.Policy(""""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("read", When = "{|SECC0034:fd == 1 && fd == 2|}")]
        [Kill("write", When = @"{|SECC0034:count < 0|} || fd == 3")]
        [Kill("openat", When = """(dfd == 1 || {|SECC0034:(flags & 0x10) == 0x20|}) && mode == 0""")]
        [Kill("close", When = """
            fd == 7 ||
                ({|SECC0034:fd > 10 &&
                 fd < 5|})
            """)]
        internal static partial class P;
        """", "SECC0034");

    [Fact]
    public Task Secc0034_SatisfiableConditions_NoDiagnostic() => Verify.Policy(""""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("read", When = "fd == 1 || fd == 2")]
        [Kill("write", When = @"count < 10 && fd == 3")]
        [Kill("openat", When = """(flags & 0x30) == 0x20""")]
        internal static partial class P;
        """", "SECC0034");

    [Fact]
    public Task Secc0035_AlwaysTrue_RegularVerbatimRaw() => Verify.Policy(""""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("read", When = "{|SECC0035:count >= 0|}")]
        [Kill("write", When = @"fd == 3 && ({|SECC0035:fd < 5 || fd >= 3|})")]
        [Kill("close", When = """{|SECC0035:!(fd == 1 && fd == 2)|}""")]
        internal static partial class P;
        """", "SECC0035");

    [Fact]
    public Task Secc0035_ConditionsThatFilter_NoDiagnostic() => Verify.Policy(""""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("read", When = "count > 0")]
        [Kill("openat", When = """dfd >= 0""")]
        internal static partial class P;
        """", "SECC0035");

    // ---- SECC0036: Trace and Notify -------------------------------------------------------------------------------

    [Fact]
    public Task Secc0036_TraceAndNotify() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow, {|SECC0036:BadArchAction = SeccompAction.Trace|})]
        [{|SECC0036:Notify("openat")|}]
        [{|SECC0036:Trace("connect", Data = 7)|}]
        internal static partial class P;
        """, "SECC0036");

    [Fact]
    public Task Secc0036_OtherActions_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Log("openat")]
        [Trap("connect", Data = 7)]
        internal static partial class P;
        """, "SECC0036");

    // ---- SECC0040: dangerous allowances ---------------------------------------------------------------------------

    [Fact]
    public Task Secc0040_DangerousCallsAllowed() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
        [{|SECC0040:Allow("ptrace")|}]
        [Allow("read", {|SECC0040:"bpf"|}, {|SECC0040:"io_uring_setup"|})]
        [{|SECC0040:Log("keyctl")|}]
        [{|SECC0040:Allow("unshare", When = "unshare_flags & CLONE_NEWNS")|}]
        [{|SECC0040:Allow("personality", When = "personality != 0x0040000")|}]
        internal static partial class P;
        """, "SECC0040");

    [Fact]
    public Task Secc0040_TheRuntimeGroupAllowsCloneWithoutNamespacesAndAnswersClone3WithEnosys_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
        [Allow("@dotnet-runtime")]
        internal static partial class P;
        """, "SECC0040", "SECC0042");

    [Fact]
    public Task Secc0040_CloneAllowedBesideTheRuntimeGroup() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
        [Allow("@dotnet-runtime")]
        [{|SECC0040:Allow("clone")|}]
        internal static partial class P;
        """, "SECC0040");

    [Fact]
    public Task Secc0040_RestrictedOrDenied_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
        [Allow("@dotnet-runtime")]
        [Deny("clone", When = "clone_flags & CLONE_NEWUSER")]
        [Deny("clone3", Errno = Errno.ENOSYS)]
        [Allow("personality", When = "personality in (0, 8, 0x20000, 0x20008, 0xffffffff)")]
        [Allow("unshare", When = "(unshare_flags & CLONE_NEWUSER) == 0")]
        [Kill("ptrace", "bpf")]
        internal static partial class P;
        """, "SECC0040");

    [Fact]
    public Task Secc0040_DefaultAllows_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Allow("ptrace")]
        internal static partial class P;
        """, "SECC0040");

    // ---- SECC0041: KillThread ----------------------------------------------------------------------------------------

    [Fact]
    public Task Secc0041_KillThread() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy({|SECC0041:DefaultAction = SeccompAction.KillThread|}, {|SECC0041:BadArchAction = SeccompAction.KillThread|})]
        [Allow("@dotnet-runtime")]
        [Kill("ptrace", {|SECC0041:Thread = true|})]
        internal static partial class P;
        """, "SECC0041");

    [Fact]
    public Task Secc0041_KillProcess_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.KillProcess, BadArchAction = SeccompAction.KillProcess)]
        [Allow("@dotnet-runtime")]
        [Kill("ptrace", Thread = false)]
        internal static partial class P;
        """, "SECC0041");

    // ---- SECC0043: a denied call with an allowed equivalent -------------------------------------------------------

    [Fact]
    public Task Secc0043_DeniedByARule_OnTheAttributeOrTheName() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow, Architectures = new[] { SeccompArch.X86_64 })]
        [{|SECC0043:Deny("rmdir", Errno = Errno.EACCES)|}]
        [Kill("ptrace", {|SECC0043:"kill"|}, {|SECC0043:"execve"|})]
        internal static partial class P;
        """, "SECC0043");

    [Fact]
    // A denying default is no statement about the calls nobody listed: execve beside an allowed execveat is not reported.
    public Task Secc0043_DeniedByTheDefaultWhileARuleAllowsTheEquivalent_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Errno, Architectures = new[] { SeccompArch.X86_64 })]
        [Allow("@dotnet-runtime")]
        [Allow("execveat")]
        internal static partial class P;
        """, "SECC0043");

    [Fact]
    public Task Secc0043_TheDefaultAndTheRuntimesOwnCalls_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.KillProcess)]
        [Allow("@dotnet-runtime")]
        internal static partial class P;
        """, "SECC0043");

    [Fact]
    public Task Secc0043_EquivalentsDeniedTooUnderTheRightCondition_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Deny("rmdir")]
        [Deny("unlinkat", When = "flag & AT_REMOVEDIR")]
        [Kill("execve", "execveat")]
        [Deny("kill", When = "sig == SIGKILL")]
        internal static partial class P;
        """, "SECC0043");

    // ---- SECC0042: calls the runtime needs ---------------------------------------------------------------------------

    [Fact]
    public Task Secc0042_DeniedByTheDefault_OnTheAttributeOrTheProperty() => Verify.Policy("""
        using Seccomp;
        [{|SECC0042:SeccompPolicy|}]
        [Allow("read", "write")]
        internal static partial class P;

        [SeccompPolicy({|SECC0042:DefaultAction = SeccompAction.KillProcess|}, Architectures = new[] { SeccompArch.X86_64 })]
        [Allow("read", "write", "futex")]
        internal static partial class Q;
        """, "SECC0042");

    [Fact]
    public Task Secc0042_DeniedByARule() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [{|SECC0042:Kill("futex")|}]
        [Deny("ptrace", {|SECC0042:"membarrier"|})]
        [{|SECC0042:Deny("clone3")|}]
        internal static partial class P;
        """, "SECC0042");

    [Fact]
    public Task Secc0042_ThreadsCannotBeCreated() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Deny("clone3", Errno = Errno.ENOSYS)]
        [{|SECC0042:Deny("clone", When = "clone_flags & CLONE_THREAD")|}]
        internal static partial class P;
        """, "SECC0042");

    [Fact]
    public Task Secc0042_RuntimeCallsAllowed_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
        [Allow("@dotnet-runtime")]
        [Deny("clone", When = "clone_flags & CLONE_NEWUSER")]
        [Deny("clone3", Errno = Errno.ENOSYS)]
        [Kill("ptrace")]
        internal static partial class P;
        """, "SECC0042");

    // ---- Messages name the rule and say why ----------------------------------------------------------------------

    [Fact]
    public Task Messages_NameTheRuleAndTheValues()
    {
        var test = new AnalyzerTest<PolicyAnalyzer>("""
            using Seccomp;
            [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
            [Kill("read", When = "fd == 1 && fd == 2")]
            [Kill("ptrace")]
            [Allow("ptrace")]
            internal static partial class P;
            """, new[] { "SECC0030", "SECC0034" });
        test.ExpectedDiagnostics.Add(new DiagnosticResult(Descriptors.ConditionNeverTrue).WithSpan(3, 23, 3, 41).WithArguments(
            "[Kill(\"read\", When = \"fd == 1 && fd == 2\")]: the condition is never true: 'fd' cannot be both 1 and 2; the rule applies to no call"));
        test.ExpectedDiagnostics.Add(new DiagnosticResult(Descriptors.UnreachableRule).WithSpan(5, 2, 5, 17).WithArguments(
            "[Allow(\"ptrace\")] never decides a call: [Kill(\"ptrace\")] matches wherever it does, and KILL_PROCESS is more restrictive than ALLOW"));
        return test.RunAsync();
    }

    // ---- SECC0037: argN on a syscall whose prototype names other slots argN ----------------------------------------

    [Fact]
    public Task Secc0037_ArgNOnPrctl_OnTheName() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Deny("prctl", When = "option == 4 && {|SECC0037:arg3|} == 7")]
        [Deny("keyctl", When = "{|SECC0037:arg1|} == 2")]
        internal static partial class P;
        """, "SECC0037");

    [Fact]
    public Task Secc0037_ArgNWherePrototypeAgrees_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow, Architectures = new[] { SeccompArch.X86_64 })]
        [Deny("write", When = "arg0 == 2")]
        [Deny("sysfs", When = "arg1 == 2")]
        [Deny("prctl", When = "option == 4")]
        internal static partial class P;
        """, "SECC0037");

    // ---- SECC0038: flags compared for equality ----------------------------------------------------------------------

    [Fact]
    public Task Secc0038_DenyingEqualityAndAllowingInequality_OnTheComparison() => Verify.Policy(""""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("mmap", When = "{|SECC0038:prot == (PROT_READ | PROT_WRITE | PROT_EXEC)|}")]
        [Deny("socket", When = "family == AF_INET && {|SECC0038:type in (SOCK_RAW, SOCK_PACKET)|}")]
        [Deny("clone", When = @"!({|SECC0038:clone_flags != CLONE_NEWUSER|})")]
        [Allow("mprotect", When = """{|SECC0038:prot != (PROT_WRITE | PROT_EXEC)|} && len == 4096""")]
        internal static partial class P;
        """", "SECC0038");

    [Fact]
    public Task Secc0038_MasksValuesAndSafeDirections_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("mmap", When = "(prot & (PROT_WRITE | PROT_EXEC)) == (PROT_WRITE | PROT_EXEC)")]
        [Deny("socket", When = "(type & 0xf) == SOCK_RAW")]
        [Deny("unshare", When = "unshare_flags != 0")]
        [Allow("mprotect", When = "prot == PROT_READ")]
        [Deny("mprotect", When = "prot == 0")]
        [Deny("prctl", When = "option == PR_SET_NO_NEW_PRIVS")]
        [Deny("fcntl", When = "cmd == F_SETFL")]
        [Deny("madvise", When = "behavior == MADV_DONTNEED")]
        [Deny("personality", When = "personality != 0xffffffff")]
        internal static partial class P;
        """, "SECC0038");

    // ---- SECC0040: device nodes ---------------------------------------------------------------------------------------

    [Fact]
    public Task Secc0040_MknodatThatCanCreateADevice() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
        [Allow("@dotnet-runtime")]
        [Deny("clone3", Errno = Errno.ENOSYS)]
        [{|SECC0040:Allow("mknodat", When = "(mode & S_IFMT) != S_IFDIR")|}]
        internal static partial class P;
        """, "SECC0040");

    [Fact]
    public Task Secc0040_MknodatForFifosAndTheRuntimeGroup_NoDiagnostic() => Verify.Policy("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Errno, Architectures = new[] { SeccompArch.X86_64 })]
        [Allow("@dotnet-runtime")]
        [Deny("clone3", Errno = Errno.ENOSYS)]
        [Allow("mknod", "mknodat", When = "(mode & S_IFMT) in (0, S_IFREG, S_IFIFO)")]
        internal static partial class P;
        """, "SECC0040");
}
