using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Seccomp.Compiler;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Policy;
using Seccomp.Tests.Support;
using Xunit;
using Groups = Seccomp.Compiler.Policy.SyscallGroups;

namespace Seccomp.Tests;

/// <summary>
/// Issue 19, item 1 on aarch64, where no machine is at hand: data/dotnet-runtime-matrix-aarch64.tsv is the matrix of
/// tests/Seccomp.RuntimeMatrix run under qemu-user -strace (eng/measure-runtime-matrix-qemu.sh). Every call a case made
/// after its mark (where Main applies its policy), with the arguments @dotnet-runtime narrows, is evaluated here in the
/// aarch64 program the compiler makes of the case's policy (KillProcess + @dotnet-runtime, + @process for children):
/// a member dropped from the group, or a condition narrowed past what the runtime passes, fails here without qemu.
/// The kernel's own answer on aarch64 is not tested (qemu-user installs no filter for its guest).
/// </summary>
public class RuntimeMatrixDataTests
{
    private sealed record Call(string Name, IReadOnlyDictionary<string, string[]> Values);

    private sealed record Row(string Case, string Condition, int Exit, int Expected, int Crashes, IReadOnlyList<Call> Calls, string Outside, string StartOutside)
    {
        public bool Children => Case == "children";
        public override string ToString() => Case + " under " + Condition;
    }

    private static readonly Lazy<IReadOnlyList<Row>> s_rows = new(() => Read("dotnet-runtime-matrix-aarch64.tsv"));

    private static IReadOnlyList<Row> Read(string file)
    {
        var lines = File.ReadAllLines(Paths.Data(file)).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.StartsWith("case\tcondition\t", lines[0]);
        return lines.Skip(1).Select(l => l.Split('\t')).Select(f => new Row(f[0], f[1], int.Parse(f[2]), int.Parse(f[3]), int.Parse(f[4]),
            f[5].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(ParseCall).ToList(), f[6], f[7])).ToList();
    }

    /// <summary>NAME, or NAME(ARG=V|V,ARG=V): hex values, SELF_PID, or OTHER_PID (another process, whose pid differs from run to run).</summary>
    private static Call ParseCall(string text)
    {
        int open = text.IndexOf('(');
        if (open < 0) return new Call(text, new Dictionary<string, string[]>());
        var values = text[(open + 1)..^1].Split(',').Select(a => a.Split('=', 2)).ToDictionary(a => a[0], a => a[1].Split('|'));
        return new Call(text[..open], values);
    }

    private static readonly Dictionary<bool, SeccompProgram> s_programs = new();

    private static SeccompProgram Program(bool children)
    {
        lock (s_programs)
        {
            if (s_programs.TryGetValue(children, out var p)) return p;
            var groups = children ? new[] { "@dotnet-runtime", "@process" } : new[] { "@dotnet-runtime" };
            var model = new PolicyModel(CoreVerdict.KillProcess, CoreVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
                EquatableArray.From(new[] { CoreArch.Aarch64 }),
                EquatableArray.From(new[] { new RuleModel(0, CoreVerdict.Allow, EquatableArray.From(groups), null) }));
            return s_programs[children] = PropertyTests.CompileProgram(model, CoreArch.Aarch64);
        }
    }

    /// <summary>The argument vectors a recorded call stands for: one per value of each narrowed argument, the others 0.</summary>
    private static IEnumerable<ulong[]> Vectors(Call call)
    {
        if (call.Values.Count == 0) { yield return new ulong[6]; yield break; }
        var parameters = Signatures.Get(call.Name, CoreArch.Aarch64);
        Assert.True(parameters != null, call.Name + ": no prototype");
        foreach (var (arg, values) in call.Values)
        {
            var p = parameters!.SingleOrDefault(x => x.Name == arg);
            Assert.True(p != null, $"{call.Name} has no argument '{arg}' on aarch64");
            foreach (var v in values)
            {
                var args = new ulong[6];
                args[p!.Index] = v == "SELF_PID" ? CompareCondition.SelfPidPlaceholder
                    : v == "OTHER_PID" ? 1UL // another process
                    : Convert.ToUInt64(v, 16);
                yield return args;
            }
        }
    }

    [Fact]
    public void EveryCallTheAarch64MatrixMadeIsAllowedByTheGroupsAarch64Program()
    {
        var info = ArchInfo.Get(CoreArch.Aarch64);
        int evaluated = 0;
        foreach (var row in s_rows.Value)
        {
            Assert.NotEmpty(row.Calls);
            var program = Program(row.Children);
            foreach (var call in row.Calls)
            {
                Assert.True(info.TryGetNumber(call.Name, out int nr), $"{row}: {call.Name} is not an aarch64 call");
                foreach (var args in Vectors(call))
                {
                    var verdict = program.Run(nr, args).ToString();
                    Assert.True(verdict == "ALLOW", $"{row}: {call.Name}({string.Join(", ", args.Select(a => "0x" + a.ToString("x")))}) is {verdict}");
                    evaluated++;
                }
            }
        }
        Assert.True(evaluated > 500, $"only {evaluated} calls evaluated");
    }

    /// <summary>
    /// A call recorded without its arguments is one the group allows whatever they are; a call whose member narrows
    /// its arguments was recorded with them (the measuring script's list of narrowed arguments follows the group).
    /// </summary>
    [Fact]
    public void EachCallIsRecordedWithTheArgumentsItsMemberNarrows()
    {
        foreach (var row in s_rows.Value)
        {
            var members = Members("dotnet-runtime").Concat(row.Children ? Members("process") : Array.Empty<GroupMember>()).ToList();
            foreach (var call in row.Calls)
            {
                var of = members.Where(m => m.Name == call.Name).ToList();
                Assert.True(of.Count > 0, $"{row}: {call.Name} is in no group of the case's policy");
                if (of.Any(m => m.When == null && m.Action == null)) continue;
                Assert.True(call.Values.Count > 0, $"{row}: {call.Name} is narrowed by the group ({of[0].When}) but was recorded without its arguments");
            }
        }
    }

    private static IReadOnlyList<GroupMember> Members(string group)
    {
        Assert.True(Groups.TryGet(group, out var members), group);
        return members;
    }

    /// <summary>The evaluation can say no: what the runtime never passes is refused (the values above are not allowed by accident).</summary>
    [Fact]
    public void TheGroupsAarch64ProgramRefusesWhatTheRuntimeNeverAsked()
    {
        var info = ArchInfo.Get(CoreArch.Aarch64);
        string Answer(string name, params ulong[] args)
        {
            Assert.True(info.TryGetNumber(name, out int nr), name);
            return Program(false).Run(nr, args).ToString();
        }
        Assert.Equal("ALLOW", Answer("clone", 0x3d0f00));
        Assert.Equal("KILL_PROCESS", Answer("clone", 0x3d0f00 | 0x10000000));    // CLONE_NEWUSER
        Assert.Equal("ALLOW", Answer("kill", CompareCondition.SelfPidPlaceholder, 2));
        Assert.Equal("KILL_PROCESS", Answer("kill", 1, 9));                          // another process
        Assert.Equal("KILL_PROCESS", Answer("ioctl", 0, 0x5412));                    // TIOCSTI
        Assert.Equal("KILL_PROCESS", Answer("execve"));                              // @process's, not the runtime's
        Assert.Equal("KILL_PROCESS", Answer("socket", 1, 1, 0));                     // the diagnostics server's, made before Main
    }

    /// <summary>Measured after the group was completed: nothing outside it, and each case ended with its own status.</summary>
    [Fact]
    public void TheMeasurementFoundNothingOutsideTheGroupAndEachCaseEndedAsItShould()
    {
        foreach (var row in s_rows.Value)
        {
            Assert.True(row.Outside == "-", $"{row}: {row.Outside}");
            Assert.True(row.Exit == row.Expected, $"{row}: exit {row.Exit}, expected {row.Expected}");
        }
    }

    /// <summary>The same matrix as on x86_64: every case and every condition.</summary>
    [Fact]
    public void TheAarch64MatrixHasTheRowsOfTheX86_64One()
    {
        var x86 = File.ReadAllLines(Paths.Data("dotnet-runtime-matrix-x86_64.tsv")).Where(l => l.Length > 0 && !l.StartsWith('#')).Skip(1)
            .Select(l => l.Split('\t')).Select(f => f[0] + " under " + f[1]);
        Assert.Equal(x86.OrderBy(s => s, StringComparer.Ordinal), s_rows.Value.Select(r => r.ToString()).OrderBy(s => s, StringComparer.Ordinal));
    }
}
