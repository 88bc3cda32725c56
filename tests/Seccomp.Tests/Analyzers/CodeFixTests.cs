using System.Threading.Tasks;
using Seccomp.Analyzers.CodeFixes;
using Xunit;

namespace Seccomp.Tests.Analyzers;

/// <summary>Before and after for every code fix.</summary>
public class CodeFixTests
{
    // ---- Remove a dead rule or name ---------------------------------------------------------------------------------

    [Fact]
    public Task RemovesAnUnreachableAttribute() => Verify.Fix<RemoveRuleCodeFixProvider>("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("ptrace")]
        [{|SECC0030:Allow("ptrace")|}] // never decides anything
        [Deny("bpf")]
        internal static partial class P;
        """, """
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("ptrace")]
        [Deny("bpf")]
        internal static partial class P;
        """, "SECC0030");

    [Fact]
    public Task RemovesADuplicateNameFromAMultiNameAttribute() => Verify.Fix<RemoveRuleCodeFixProvider>("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
        [Allow("@dotnet-runtime")]
        [Allow("accept4", {|SECC0031:"epoll_wait"|}, "sendto")]
        [Allow(new[] { "recvfrom", {|SECC0031:"read"|} })]
        internal static partial class P;
        """, """
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
        [Allow("@dotnet-runtime")]
        [Allow("accept4", "sendto")]
        [Allow(new[] { "recvfrom" })]
        internal static partial class P;
        """, "SECC0031");

    [Fact]
    public Task RemovesADuplicateFromAnAttributeList() => Verify.Fix<RemoveRuleCodeFixProvider>("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
        [Allow("read"), {|SECC0031:Allow("read")|}]
        internal static partial class P;
        """, """
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
        [Allow("read")]
        internal static partial class P;
        """, "SECC0031");

    [Fact]
    public Task RemovesARuleThatDoesWhatTheDefaultDoes() => Verify.Fix<RemoveRuleCodeFixProvider>("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
        [Allow("read")]
        [{|SECC0032:Deny("execve")|}]
        internal static partial class P;
        """, """
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
        [Allow("read")]
        internal static partial class P;
        """, "SECC0032");

    [Fact]
    public Task KeepsDocumentationWhenTheFirstAttributeGoes() => Verify.Fix<RemoveRuleCodeFixProvider>("""
        using Seccomp;

        /// <summary>The sandbox.</summary>
        [{|SECC0032:Allow("read")|}]
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        internal static partial class P;
        """, """
        using Seccomp;

        /// <summary>The sandbox.</summary>
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        internal static partial class P;
        """, "SECC0032");

    // ---- Replace a misspelled name with the closest known one ------------------------------------------------------

    [Fact]
    public Task ReplacesAMisspelledSyscall() => Verify.Fix<ReplaceNameCodeFixProvider>("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("bpf", {|SECC0001:"ptrce"|})]
        internal static partial class P;
        """, """
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("bpf", "ptrace")]
        internal static partial class P;
        """, "SECC0001");

    [Fact]
    public Task ReplacesAMisspelledGroup() => Verify.Fix<ReplaceNameCodeFixProvider>("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
        [Allow({|SECC0003:"@dotnet-runtme"|})]
        internal static partial class P;
        """, """
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Errno)]
        [Allow("@dotnet-runtime")]
        internal static partial class P;
        """, "SECC0003");

    [Fact]
    public Task ReplacesAMisspelledArgumentOrConstant_RegularVerbatimRaw() => Verify.Fix<ReplaceNameCodeFixProvider>(""""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("read", When = "{|SECC0021:fdd|} == 1")]
        [Kill("socket", When = @"family == {|SECC0021:AF_INTE|}")]
        [Kill("openat", When = """
            (flags & {|SECC0021:O_CRAET|}) != 0
            """)]
        internal static partial class P;
        """", """"
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("read", When = "fd == 1")]
        [Kill("socket", When = @"family == AF_INET")]
        [Kill("openat", When = """
            (flags & O_CREAT) != 0
            """)]
        internal static partial class P;
        """", "SECC0021");

    // ---- KillThread -> KillProcess ----------------------------------------------------------------------------------

    [Fact]
    public Task RemovesThreadTrue() => Verify.Fix<KillProcessCodeFixProvider>("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("ptrace", {|SECC0041:Thread = true|})]
        internal static partial class P;
        """, """
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("ptrace")]
        internal static partial class P;
        """, "SECC0041");

    [Fact]
    public Task ReplacesKillThreadActions() => Verify.Fix<KillProcessCodeFixProvider>("""
        using Seccomp;
        [SeccompPolicy({|SECC0041:DefaultAction = SeccompAction.KillThread|}, {|SECC0041:BadArchAction = (SeccompAction)1|})]
        [Allow("@dotnet-runtime")]
        internal static partial class P;
        """, """
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.KillProcess, BadArchAction = SeccompAction.KillProcess)]
        [Allow("@dotnet-runtime")]
        internal static partial class P;
        """, "SECC0041");

    // ---- Flags compared for equality -> the mask form ------------------------------------------------------------------

    [Fact]
    public Task RewritesFlagEqualityIntoTheMaskForm() => Verify.Fix<MaskFormCodeFixProvider>("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("mmap", When = "len > 0 && {|SECC0038:prot == (PROT_READ | PROT_WRITE | PROT_EXEC)|}")]
        [Deny("socket", When = "{|SECC0038:type in (SOCK_RAW, SOCK_PACKET)|}")]
        [Deny("unshare", When = "{|SECC0038:unshare_flags in (CLONE_NEWUSER, CLONE_NEWNET | CLONE_NEWNS)|}")]
        [Deny("openat", When = "{|SECC0038:O_CREAT == flags|}")]
        [Allow("mprotect", When = "{|SECC0038:prot != (PROT_WRITE | PROT_EXEC)|}")]
        internal static partial class P;
        """, """
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("mmap", When = "len > 0 && (prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) == (PROT_READ | PROT_WRITE | PROT_EXEC)")]
        [Deny("socket", When = "(type & 0xf) in (SOCK_RAW, SOCK_PACKET)")]
        [Deny("unshare", When = "((unshare_flags & CLONE_NEWUSER) == CLONE_NEWUSER || (unshare_flags & (CLONE_NEWNET | CLONE_NEWNS)) == (CLONE_NEWNET | CLONE_NEWNS))")]
        [Deny("openat", When = "(flags & O_CREAT) == O_CREAT")]
        [Allow("mprotect", When = "(prot & (PROT_WRITE | PROT_EXEC)) != (PROT_WRITE | PROT_EXEC)")]
        internal static partial class P;
        """, "SECC0038");

    [Fact]
    public Task OffersNoMaskFormWhereNoneIsSoundOrTheLiteralIsNotRegular() => Verify.Fix<MaskFormCodeFixProvider>("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Deny("clone", When = "{|SECC0038:clone_flags == (CLONE_NEWUSER | SIGCHLD)|}")]
        [Kill("mmap", When = @"{|SECC0038:prot == PROT_EXEC|}")]
        internal static partial class P;
        """, """
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Deny("clone", When = "{|SECC0038:clone_flags == (CLONE_NEWUSER | SIGCHLD)|}")]
        [Kill("mmap", When = @"{|SECC0038:prot == PROT_EXEC|}")]
        internal static partial class P;
        """, "SECC0038");

    // ---- Deny the equivalents of a denied call ------------------------------------------------------------------------
    // The test framework checks the fixed source too: no SECC0043 is left.

    [Fact]
    public Task DeniesUnlinkatWithAtRemovedirBesideRmdir() => Verify.Fix<DenyEquivalentCodeFixProvider>("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow, Architectures = new[] { SeccompArch.X86_64 })]
        [{|SECC0043:Deny("rmdir", Errno = Errno.EACCES)|}]
        internal static partial class P;
        """, """
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow, Architectures = new[] { SeccompArch.X86_64 })]
        [Deny("rmdir", Errno = Errno.EACCES)]
        [Deny("unlinkat", Errno = Errno.EACCES, When = "flag & AT_REMOVEDIR")]
        internal static partial class P;
        """, "SECC0043");

    [Fact]
    public Task DeniesEveryCallThatSendsASignalBesideKill() => Verify.Fix<DenyEquivalentCodeFixProvider>("""
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("ptrace", {|SECC0043:"kill"|})]
        internal static partial class P;
        """, """
        using Seccomp;
        [SeccompPolicy(DefaultAction = SeccompAction.Allow)]
        [Kill("ptrace", "kill")]
        [Kill("tkill", "pidfd_send_signal")]
        [Kill("tgkill", "rt_tgsigqueueinfo", When = "tgid != SELF_PID")]
        [Kill("rt_sigqueueinfo", When = "pid != SELF_PID")]
        internal static partial class P;
        """, "SECC0043");
}
