using System.Collections.Generic;
using System.Linq;
using Seccomp.Tests.Support;
using Xunit;

namespace Seccomp.Tests;

/// <summary>
/// Issue 17: the red-team's attacks on the loader, replayed on the real kernel, each in a child process.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Kernel)]
public class KernelSecurityTests
{
    /// <summary>
    /// Finding 5: an earlier filter answers the flag probe with EFAULT (so the flag looks supported) and the real install
    /// with ERRNO(0), or hands it to a supervisor that replies 0. seccomp(2) then "succeeds" and installs nothing: the
    /// loader must see that the kernel's filter count did not rise, and fail closed.
    /// </summary>
    [Theory]
    [InlineData(ChildRuntime.Net10, "lying-filter")]
    [InlineData(ChildRuntime.Net10, "lying-supervisor")]
    [InlineData(ChildRuntime.Net8, "lying-filter")]
    [InlineData(ChildRuntime.Net8, "lying-supervisor")]
    public void AFakeSuccessOfSeccompIsCaughtByTheFilterCount(ChildRuntime runtime, string scenario)
    {
        var r = ChildProcess.RunToEnd(runtime, scenario);
        Assert.Equal("True", r["earlier_installed"]);
        Assert.Equal("False", r["tryapply"]);
        Assert.Equal("Verify", r["step"]);
        Assert.Contains("Seccomp_filters", r["message"]);
        Assert.Contains("the install did not happen", r["message"]);
        Assert.Equal("True", r["apply_threw"]);
        Assert.Equal("Verify", r["apply_step"]);
        Assert.Equal("1", r["seccomp_filters"]);      // only the liar's filter
        Assert.NotEqual("1", r["keyctl_errno"]);      // the policy's Deny("keyctl") (EPERM) is not in force, as reported
    }

    /// <summary>
    /// Item 6: a root process whose policy lets it open files can still write /proc/sys or other processes' memory;
    /// Apply() says so once, without failing. A policy that opens nothing has nothing to warn about.
    /// </summary>
    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void ApplyWarnsWhenARootProcessMayOpenFiles(ChildRuntime runtime)
    {
        Assert.True(System.Environment.IsPrivilegedProcess, "the tests run as root, as CI does");
        var r = ChildProcess.RunToEnd(runtime, "privilege-warning");
        Assert.Equal("1", r["warnings"]);
        Assert.Contains("AllowPolicy is installed, but the process runs as root and holds CAP_SYS_ADMIN and holds CAP_SYS_PTRACE", r["warning"]);
        Assert.Contains("docs/limits.md", r["warning"]);

        // The same policy as uid 65534 with no capabilities: nothing to warn about. The child runs from a copy that
        // nobody can read (the build output may sit in a tree it cannot traverse): its assemblies on .NET 10, the whole
        // self-contained folder (apphost and runtime) on .NET 8.
        string setpriv = new[] { "/usr/bin/setpriv", "/bin/setpriv" }.First(System.IO.File.Exists);
        string source = runtime == ChildRuntime.Net8
            ? ChildRuntimes.Net8Folder("Seccomp.TestChild")
            : System.IO.Path.GetDirectoryName(ChildProcess.ChildDll)!;
        string dir = System.IO.Directory.CreateTempSubdirectory("seccomp-child-").FullName;
        try
        {
            foreach (var f in System.IO.Directory.GetFiles(source, runtime == ChildRuntime.Net8 ? "*" : "Seccomp*"))
                System.IO.File.Copy(f, System.IO.Path.Combine(dir, System.IO.Path.GetFileName(f)));
            if (System.OperatingSystem.IsLinux()) System.IO.File.SetUnixFileMode(dir, (System.IO.UnixFileMode)0x1ed /* 0755 */);
            var none = ChildProcess.RunWith(runtime, psi =>
            {
                // The command as the launcher made it (dotnet X.dll, or the apphost), with the child's file from the copy.
                var command = new List<string> { psi.FileName };
                command.AddRange(psi.ArgumentList);
                int own = command.FindIndex(a => a.StartsWith(source + "/", System.StringComparison.Ordinal));
                command[own] = System.IO.Path.Combine(dir, System.IO.Path.GetFileName(command[own]));
                psi.FileName = setpriv;
                psi.ArgumentList.Clear();
                foreach (var a in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--" })
                    psi.ArgumentList.Add(a);
                foreach (var a in command) psi.ArgumentList.Add(a);
                psi.Environment["HOME"] = dir;
                psi.Environment["DOTNET_CLI_HOME"] = dir;
            }, "privilege-warning");
            Assert.True(none.ExitCode == 0, none.ToString());
            Assert.Equal("0", none["warnings"]);
        }
        finally
        {
            System.IO.Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// Finding 2: @dotnet-runtime's calls that can name a process (prlimit64, setpriority, sched_setscheduler,
    /// sched_setaffinity, prctl) reach only the calling process or the forms the runtime uses; on another process they
    /// get the policy's default (EPERM here), while the runtime's own uses, threads and collections still work.
    /// </summary>
    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void RuntimeGroupCallsReachOnlyTheCallingProcess(ChildRuntime runtime)
    {
        var r = ChildProcess.RunToEnd(runtime, "group-reaches-only-itself");
        try { System.Diagnostics.Process.GetProcessById(int.Parse(r["other_pid"])).Kill(); } catch (System.ArgumentException) { }
        Assert.Equal("1", r["prlimit64_other"]);
        Assert.Equal("0", r["prlimit64_self"]);
        Assert.Equal("1", r["setpriority_other"]);
        Assert.Equal("1", r["sched_setscheduler_other_fifo"]);
        Assert.Equal("0", r["sched_setscheduler_self_other"]);
        Assert.Equal("1", r["sched_setaffinity_other"]);
        Assert.Equal("1", r["prctl_set_dumpable"]);
        Assert.Equal("1", r["prctl_cap_ambient"]);
        Assert.Equal("0", r["prctl_set_name"]);
        Assert.Equal("1", r["tgkill_other"]);
        Assert.Equal("0", r["tgkill_self"]);
        Assert.Equal("True", r["runtime_ok"]);
    }

    /// <summary>
    /// The runtime's own uses still work under the narrowed group: 50 SIGSTOP/SIGCONT cycles (Ctrl+Z and fg, docker
    /// pause, a debugger attaching) while threads sleep and wait under KillProcess + @dotnet-runtime. A stop
    /// interrupts their timed waits, and the kernel resumes them through restart_syscall.
    /// </summary>
    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void FiftyStopContinueCyclesUnderTheRuntimeGroupKillNothing(ChildRuntime runtime)
    {
        var psi = ChildProcess.StartInfo(runtime, "stop-continue", "4");
        using var p = System.Diagnostics.Process.Start(psi)!;
        string? line;
        while ((line = p.StandardOutput.ReadLine()) != null && line != "ready=True") { }
        Assert.Equal("ready=True", line);
        int cycles = 0;
        for (; cycles < 50; cycles++)
        {
            if (Kill(p.Id, 19 /* SIGSTOP */) != 0) break; // the child is gone: its exit code says why
            System.Threading.Thread.Sleep(15);
            if (Kill(p.Id, 18 /* SIGCONT */) != 0) break;
            System.Threading.Thread.Sleep(15);
        }
        string rest = p.StandardOutput.ReadToEnd();
        string err = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(60_000));
        Assert.True(p.ExitCode == 0, $"exit {p.ExitCode} after {cycles} cycles (159 is SIGSYS: a call the policy kills)\n{err}");
        Assert.Equal(50, cycles);
        Assert.Contains("survived=True", rest);
    }

    /// <summary>
    /// The runtime's own uses with child processes: 200 children started and reaped under KillProcess +
    /// @dotnet-runtime + the calls of Process.Start (vfork, execve, wait4, waitid); every child exits 0, none is killed,
    /// and SIGCHLD's interruptions of the runtime's waits resume.
    /// </summary>
    [Theory]
    [MemberData(nameof(ChildRuntimes.Each), MemberType = typeof(ChildRuntimes))]
    public void TwoHundredChildrenStartedAndReapedUnderTheRuntimeGroupKillNothing(ChildRuntime runtime)
    {
        var r = ChildProcess.RunWith(runtime, null, "children", "200");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("200", r["reaped_ok"]);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int sig);
}
