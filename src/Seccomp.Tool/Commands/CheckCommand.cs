// `dotnet-seccomp check -- CMD`: runs a command whose .NET processes apply a policy built with
// SeccompAllowRecording; every call the policy denies comes to the tool, which gives the policy's own answer, and
// lists every denied call at the end (exit code 2 when there was one).

using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using System.Runtime.InteropServices;
using Seccomp.Common;
using Seccomp.Compiler;

namespace Seccomp.Tool;

internal static class CheckCommand
{
    private const int SIGSYS = 31, ENOSYS = 38;

    private sealed class Denied
    {
        public required string Policy;
        public required string Syscall;
        public required string Verdict;
        public required string Rule;
        public long Count;
        public readonly SortedSet<int> Pids = new();
        public readonly List<string> Args = new();
    }

    public static Command Create()
    {
        var command = new Argument<string[]>("command")
        {
            Description = "The command to run and its arguments, after --, e.g. -- dotnet test.",
            Arity = ArgumentArity.OneOrMore,
        };
        var cmd = new Command("check",
            "Run a command under the policies its .NET processes apply, for CI. Needs an app built with SeccompAllowRecording "
            + "(Debug by default): its Apply() sends every call the policy denies to this tool, which gives the policy's own "
            + "answer (ERRNO as declared; KILL and TRAP end the process with SIGSYS; TRACE fails with ENOSYS) and, at the end, "
            + "lists every denied call with its arguments, process and the rule (file:line) that denied it. Exits 2 when a call "
            + "was denied, 5 when no process applied such a policy, otherwise with the command's exit code.")
        {
            command,
        };
        cmd.SetAction(pr => Run(pr.GetValue(command)!));
        return cmd;
    }

    private static int Run(string[] command)
    {
        if (HostArchitecture.Current is null)
            return Program.Fail(ExitCodes.Unsupported, $"cannot check on {RuntimeInformation.ProcessArchitecture}: only x86_64, aarch64, arm, ppc64le, s390x, riscv64 and loongarch64 are supported");
        string? unsupported = KernelSupport.Check();
        if (unsupported != null)
            return Program.Fail(ExitCodes.Unsupported, $"this kernel cannot check: {unsupported}. Run the program under a policy with LogDenied = true and read the audit lines with `dotnet-seccomp audit`.");

        var denied = new Dictionary<string, Denied>();
        var order = new List<Denied>();
        var result = Supervisor.Run(command, null, null, (listener, n) =>
        {
            var policy = listener.Policy;
            if (policy == null) return Supervisor.Continue; // not a policy's listener (no hook runs under check)
            var args = new ulong[6];
            unsafe { for (int i = 0; i < 6; i++) args[i] = n.Args[i]; }
            var verdict = policy.Run(in n, args);
            var archInfo = ArchInfo.FromAuditArch(n.Arch) ?? ArchInfo.Get(policy.Arch);
            string name = Recording.SyscallName(archInfo, n.Nr);
            string verdictText = PolicySource.Describe(verdict);
            string rule = "the policy's program";
            if (archInfo.Arch == policy.Arch)
            {
                try
                {
                    var d = policy.Source.Decide(policy.Arch, n.Nr, args);
                    rule = d.ByDefault ? d.DefaultName ?? "DefaultAction" : string.Join("; ", d.Rules.Select(r => r.Location + " " + r.Text));
                }
                catch (Exception e) when (e is InvalidOperationException or ArgumentException)
                {
                }
            }
            string key = policy.Name + "\0" + name + "\0" + verdictText + "\0" + rule;
            if (!denied.TryGetValue(key, out var entry))
            {
                denied[key] = entry = new Denied { Policy = policy.Name, Syscall = $"{name} ({n.Nr})", Verdict = verdictText, Rule = rule };
                order.Add(entry);
                Console.Error.WriteLine($"dotnet-seccomp check: denied: {policy.Name}: {name} -> {verdictText} by {rule}");
            }
            entry.Count++;
            entry.Pids.Add(Supervisor.ReadTgid((int)n.Pid));
            if (entry.Args.Count < 3)
            {
                var ps = Recording.ParametersOf(name, archInfo.Arch);
                string a = string.Join(", ", ps.Take(6).Select((p, i) => p.Type.Pointer ? $"{p.Name}=0x{args[i]:x}" : $"{p.Name}={p.Type.Truncate(args[i])}"));
                if (!entry.Args.Contains(a)) entry.Args.Add(a);
            }
            return verdict.Action switch
            {
                SeccompAction.Errno => Supervisor.Error(verdict.Data),
                SeccompAction.KillProcess or SeccompAction.KillThread or SeccompAction.Trap => new Answer(0, -ENOSYS, 0, SIGSYS),
                SeccompAction.Allow or SeccompAction.Log => Supervisor.Continue,
                _ => Supervisor.Error(ENOSYS), // TRACE with no tracer, USER_NOTIF with no listener of the app's
            };
        });
        if (result.CannotStart != null) return result.CannotStart.Value;

        var policies = result.Listeners.Where(l => l.Policy != null).Select(l => $"{l.Policy!.Name} (pid {l.Pid})").ToList();
        if (policies.Count == 0)
        {
            Console.Error.WriteLine("dotnet-seccomp check: no process applied a policy built with SeccompAllowRecording (Debug, or the MSBuild property): nothing was checked");
            return ExitCodes.NothingChecked;
        }
        Console.Error.WriteLine($"dotnet-seccomp check: checked {string.Join(", ", policies)}; the command exited with {result.ExitCode}");
        if (order.Count == 0)
        {
            Console.Error.WriteLine("dotnet-seccomp check: no call was denied");
            return result.Failure != null ? ExitCodes.Internal : result.ExitCode;
        }
        Console.Error.WriteLine($"dotnet-seccomp check: {order.Count} distinct calls denied ({order.Sum(d => d.Count)} in all):");
        foreach (var d in order)
        {
            Console.Error.WriteLine($"  {d.Policy}: {d.Syscall} -> {d.Verdict}, {d.Count} times in pid {string.Join(", ", d.Pids)}");
            Console.Error.WriteLine($"      rule: {d.Rule}");
            foreach (var a in d.Args) Console.Error.WriteLine($"      args: {a}");
        }
        return ExitCodes.WouldDeny;
    }
}
