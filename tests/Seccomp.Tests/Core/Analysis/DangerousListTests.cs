using System.Linq;
using Seccomp.Compiler;
using Seccomp.Compiler.Analysis;
using Seccomp.Compiler.Diagnostics;
using Seccomp.Compiler.Policy;
using Xunit;

namespace Seccomp.Tests.Analysis;

/// <summary>
/// Issue 21, item 8: one list of dangerous calls (SandboxFacts.Dangerous), shared by SECC0040 and the tool's policy
/// writer. Every listed call is reported when allowed plainly and when allowed under a condition that lets its
/// dangerous form through; the safe forms are not. Calls that start programs or processes get a review note
/// (SECC0044, information) when a rule names them, not when a group holds them.
/// </summary>
public class DangerousListTests
{
    private static readonly CoreVerdict Allow = CoreVerdict.Allow;

    private static PolicyModel Deny(params RuleModel[] rules) => PolicyAnalysisTests.Policy(CoreVerdict.Errno(1), new[] { CoreArch.X86_64 }, rules);

    private static RuleModel Rule(int i, string? when, params string[] names) => PolicyAnalysisTests.Rule(i, Allow, when, names);

    private static string[] Ids(PolicyModel p, string id) =>
        PolicyCompiler.Compile(p).Diagnostics.Where(d => d.Id == id).Select(d => d.Message).ToArray();

    public static TheoryData<string> ListedOnX86_64() =>
        new(SandboxFacts.Dangerous.Select(d => d.Syscall).Distinct().Where(n => ArchInfo.Get(CoreArch.X86_64).TryGetNumber(n, out _)));

    [Theory]
    [MemberData(nameof(ListedOnX86_64))]
    public void Every_listed_call_allowed_plainly_is_reported(string syscall)
    {
        var messages = Ids(Deny(Rule(0, null, syscall)), DiagnosticIds.DangerousAllowance);
        Assert.Single(messages);
        var call = SandboxFacts.Dangerous.First(d => d.Syscall == syscall);
        Assert.Contains(call.Reason, messages[0]);
    }

    /// <summary>The issue's list, each one on it (so the list cannot lose one silently).</summary>
    [Fact]
    public void The_list_holds_every_call_the_issue_names()
    {
        string[] named =
        {
            "setns", "open_by_handle_at", "fsopen", "fsmount", "fsconfig", "fspick", "move_mount", "open_tree", "mount_setattr",
            "pivot_root", "chroot", "umount2", "reboot", "swapon", "swapoff", "iopl", "ioperm", "perf_event_open",
            "process_vm_readv", "kcmp", "settimeofday", "clock_settime", "adjtimex", "acct", "ioctl", "socket",
            "ptrace", "process_vm_writev", "bpf", "userfaultfd", "io_uring_setup", "mount", "kexec_load", "init_module",
        };
        Assert.Empty(named.Except(SandboxFacts.Dangerous.Select(d => d.Syscall)));
        Assert.All(SandboxFacts.Dangerous, d => Assert.False(string.IsNullOrWhiteSpace(d.Reason)));
    }

    /// <summary>A condition that lets the dangerous form through is reported; one that keeps it out is not.</summary>
    [Theory]
    [InlineData("ioctl", "cmd == TIOCSTI", true)]
    [InlineData("ioctl", "cmd in (TCGETS, TIOCLINUX)", true)]
    [InlineData("ioctl", "cmd != FIONBIO", true)]
    [InlineData("ioctl", "cmd in (TCGETS, TIOCGWINSZ, FIONBIO)", false)]
    [InlineData("socket", "domain == AF_PACKET", true)]
    [InlineData("socket", "domain in (AF_UNIX, AF_INET, AF_INET6)", true)]          // SOCK_RAW in AF_INET
    [InlineData("socket", "domain == AF_INET && (type & 0xf) == SOCK_RAW", true)]
    [InlineData("socket", "domain == AF_INET", true)]
    [InlineData("socket", "domain == AF_INET && (type & 0xf) == SOCK_STREAM", false)]
    [InlineData("socket", SyscallGroups.OrdinarySockets, false)]
    [InlineData("clone", "(clone_flags & CLONE_NEWNET) == 0", true)]
    [InlineData("clone", "(clone_flags & CLONE_NEWUSER) == 0", false)]
    [InlineData("mknodat", "(mode & S_IFMT) == S_IFIFO", false)]
    [InlineData("mknodat", "(mode & S_IFMT) != S_IFREG", true)]
    public void A_condition_that_lets_the_dangerous_form_through_is_reported(string syscall, string when, bool reported)
    {
        var messages = Ids(Deny(Rule(0, when, syscall)), DiagnosticIds.DangerousAllowance);
        Assert.Equal(reported ? 1 : 0, messages.Length);
        if (reported) Assert.Contains("(its condition does not exclude it)", messages[0]);
    }

    [Theory]
    [InlineData("execve", null, 1)]
    [InlineData("execveat", null, 1)]
    [InlineData("vfork", null, 1)]
    [InlineData("fork", null, 1)]
    [InlineData("clone", "(clone_flags & CLONE_NEWUSER) == 0", 1)]   // a process can be made
    [InlineData("clone", "clone_flags & CLONE_THREAD", 0)]            // threads only
    [InlineData("@process", null, 0)]                                 // the group says so in its documentation
    public void Starting_programs_gets_a_review_note_where_a_rule_names_it(string name, string? when, int notes)
    {
        var compilation = PolicyCompiler.Compile(Deny(Rule(0, when, name)));
        var found = compilation.Diagnostics.Where(d => d.Id == DiagnosticIds.ReviewAllowance).ToList();
        Assert.Equal(notes, found.Count);
        Assert.All(found, d => Assert.Equal(DiagnosticLevel.Info, d.Info.Level));
    }
}
