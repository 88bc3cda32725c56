using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Seccomp.Compiler;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Policy;

namespace Seccomp.Tests.Support;

/// <summary>A random policy as the compiler's model and as the attribute source a user would write.</summary>
internal sealed record RandomPolicy(PolicyModel Model, string Source, string ClassName, IReadOnlyList<ulong> Constants, IReadOnlyList<string> Names);

/// <summary>
/// Random policies with overlapping rules, every action, random defaults and (optionally) random conditions over
/// the real argument types, plus random call vectors aimed at the edges those conditions create.
/// </summary>
internal static class RandomPolicies
{
    /// <summary>Syscalls present on every supported architecture, with a mix of argument types.</summary>
    public static readonly string[] Pool =
    {
        "read", "write", "openat", "close", "socket", "connect", "mmap", "mprotect", "munmap", "ioctl", "fcntl",
        "getpid", "kill", "tgkill", "clone", "futex", "madvise", "prctl", "personality", "setsockopt", "sendto",
        "recvfrom", "accept4", "bind", "listen", "dup3", "pipe2", "epoll_pwait", "lseek", "pread64", "keyctl",
        "ptrace", "unshare", "mount", "getrandom", "memfd_create", "membarrier", "rseq", "clock_gettime", "nanosleep",
        "fchownat", "setresuid", "mknodat", "sched_setaffinity", "waitid", "timerfd_create",
    };

    private static readonly string[] ConditionPool =
        Pool.Where(n => Signatures.Get(n, CoreArch.X86_64) is { Count: > 0 }).ToArray();

    public static CoreVerdict RandomVerdict(Random rng, bool allowAnyData = true)
    {
        var kind = (CoreAction)rng.Next(8);
        int data = kind switch
        {
            CoreAction.Errno => rng.Next(4) == 0 ? rng.Next(1, 4096) : rng.Next(1, 40),
            CoreAction.Trap or CoreAction.Trace => allowAnyData ? rng.Next(0, 65536) : rng.Next(0, 10),
            _ => 0,
        };
        return CoreVerdict.Of(kind, data);
    }

    public static RandomPolicy Create(Random rng, string className, bool conditions, CoreArch[]? archs = null,
        int maxRules = 30, bool oneActionPerSyscall = false)
    {
        archs ??= new[] { CoreArch.X86_64, CoreArch.Aarch64 };
        var defaultAction = RandomVerdict(rng);
        // The policy attribute has no data for a TRAP or TRACE default.
        if (defaultAction.Action is CoreAction.Trap or CoreAction.Trace) defaultAction = CoreVerdict.Of(defaultAction.Action, 0);
        var badArch = new[] { CoreVerdict.KillProcess, new CoreVerdict(CoreAction.KillThread, 0), new CoreVerdict(CoreAction.Trap, 0), CoreVerdict.Errno(1) }[rng.Next(4)];
        var constants = new List<ulong>();
        var rules = new List<RuleModel>();
        var usedNames = new HashSet<string>();
        int count = rng.Next(1, maxRules + 1);
        for (int i = 0; i < count; i++)
        {
            var action = RandomVerdict(rng);
            string? when = null;
            string[] names;
            if (conditions && rng.Next(2) == 0)
            {
                // A condition names the arguments of one syscall.
                names = new[] { ConditionPool[rng.Next(ConditionPool.Length)] };
                when = RandomCondition(rng, names[0], constants, depth: 3);
            }
            else
            {
                names = Enumerable.Range(0, rng.Next(1, 6)).Select(_ => Pool[rng.Next(Pool.Length)]).Distinct().ToArray();
            }
            if (oneActionPerSyscall)
            {
                names = names.Where(usedNames.Add).ToArray();
                if (names.Length == 0) continue;
            }
            rules.Add(new RuleModel(rules.Count, action, EquatableArray.From(names), when));
        }
        var model = new PolicyModel(defaultAction, badArch, PolicyModel.DefaultUnknownSyscallAction, EquatableArray.From(archs), EquatableArray.From(rules));
        return new RandomPolicy(model, ToSource(model, className), className, constants, rules.SelectMany(r => r.Syscalls).Distinct().ToArray());
    }

    public static string RandomCondition(Random rng, string syscall, List<ulong> constants, int depth)
    {
        var ps = Signatures.Get(syscall, CoreArch.X86_64)!;
        if (depth > 0)
        {
            switch (rng.Next(10))
            {
                case 0: case 1: return $"({RandomCondition(rng, syscall, constants, depth - 1)} && {RandomCondition(rng, syscall, constants, depth - 1)})";
                case 2: case 3: return $"({RandomCondition(rng, syscall, constants, depth - 1)} || {RandomCondition(rng, syscall, constants, depth - 1)})";
                case 4: return $"!({RandomCondition(rng, syscall, constants, depth - 1)})";
            }
        }
        if (ps.Count == 0) return "arg0 == 0";
        var p = ps[rng.Next(ps.Count)];
        // argN only where every architecture agrees on that slot's type (clone's differ).
        bool sameEverywhere = ArchInfo.All.All(a => Signatures.Get(syscall, a.Arch) is { } s && s.Count > p.Index && s[p.Index].Type == p.Type);
        // A prototype name that reads as another slot (prctl's 'arg2' is slot 1) is written by its slot: argN is slot N.
        bool misleading = p.Name.Length == 4 && p.Name.StartsWith("arg", StringComparison.Ordinal) && p.Name[3] - '0' != p.Index;
        string name = misleading || (sameEverywhere && rng.Next(5) == 0) ? "arg" + p.Index : p.Name;
        if (p.Type.Pointer) return $"{name} {(rng.Next(2) == 0 ? "==" : "!=")} 0";
        switch (rng.Next(6))
        {
            case 0:
            {
                ulong mask = RandomBits(rng, p.Type);
                ulong value = mask & RandomBits(rng, p.Type);
                constants.Add(value);
                return $"({name} & {Hex(mask)}) {(rng.Next(3) == 0 ? "!=" : "==")} {Hex(value)}";
            }
            case 1:
            {
                ulong mask = RandomBits(rng, p.Type);
                constants.Add(mask);
                return $"{name} & {Hex(mask)}";
            }
            case 2:
            {
                var items = Enumerable.Range(0, rng.Next(1, 5)).Select(_ => Literal(rng, p.Type, constants));
                return $"{name} in ({string.Join(", ", items)})";
            }
            default:
            {
                string op = new[] { "==", "!=", "<", "<=", ">", ">=" }[rng.Next(6)];
                string lit = Literal(rng, p.Type, constants);
                return rng.Next(8) == 0 ? $"{lit} {Flip(op)} {name}" : $"{name} {op} {lit}";
            }
        }
    }

    private static string Flip(string op) => op switch { "<" => ">", "<=" => ">=", ">" => "<", ">=" => "<=", _ => op };

    /// <summary>Values at the edges of 32- and 64-bit, signed and unsigned.</summary>
    public static readonly ulong[] Edges =
    {
        0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff_ffff, 0x8000_0000, 0x8000_0001, 0xffff_fffe, 0xffff_ffff, 0x1_0000_0000,
        0x1_0000_0001, 0x7fff_ffff_ffff_ffff, 0x8000_0000_0000_0000, 0xffff_ffff_ffff_fffe, 0xffff_ffff_ffff_ffff,
        0xffff_ffff_8000_0000, 0xffff_ffff_ffff_ff9c,
    };

    private static ulong RandomBits(Random rng, ArgType t)
    {
        ulong v = rng.Next(3) switch
        {
            0 => Edges[rng.Next(Edges.Length)],
            1 => 1UL << rng.Next(t.Bits),
            _ => (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 33),
        };
        return v & t.WidthMask;
    }

    /// <summary>A literal that fits the type, written in decimal, hex, octal or negative form.</summary>
    private static string Literal(Random rng, ArgType t, List<ulong> constants)
    {
        ulong v = RandomBits(rng, t);
        if (rng.Next(3) > 0) v = Edges[rng.Next(Edges.Length)] & t.WidthMask;
        constants.Add(v);
        bool negativeOk = t.Signed && (t.Bits == 64 ? (long)v < 0 : (int)(uint)v < 0);
        switch (rng.Next(4))
        {
            case 0 when negativeOk:
                return t.Bits == 64 ? ((long)v).ToString(CultureInfo.InvariantCulture) : ((int)(uint)v).ToString(CultureInfo.InvariantCulture);
            case 1:
                return v.ToString(CultureInfo.InvariantCulture);
            case 2 when v != 0:
                return "0" + Convert.ToString((long)v, 8);
            default:
                return Hex(v);
        }
    }

    private static string Hex(ulong v) => "0x" + v.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>The policy as attributes on a partial class.</summary>
    public static string ToSource(PolicyModel model, string className)
    {
        var sb = new StringBuilder();
        sb.AppendLine("using Seccomp;");
        sb.AppendLine("namespace Generated;");
        string archs = string.Join(", ", model.Architectures.Select(a => "SeccompArch." + a));
        sb.Append($"[SeccompPolicy(DefaultAction = SeccompAction.{model.DefaultAction.Action}");
        if (model.DefaultAction.Action == CoreAction.Errno) sb.Append($", DefaultErrno = (Errno){model.DefaultAction.Data}");
        sb.AppendLine($", BadArchAction = SeccompAction.{model.BadArchAction.Action}, Architectures = new[] {{ {archs} }})]");
        foreach (var r in model.Rules)
        {
            string names = string.Join(", ", r.Syscalls.Select(n => "\"" + n + "\""));
            string extra = r.Action.Action switch
            {
                CoreAction.Errno => $", Errno = (Errno){r.Action.Data}",
                CoreAction.KillThread => ", Thread = true",
                CoreAction.Trap or CoreAction.Trace => $", Data = {r.Action.Data}",
                _ => "",
            };
            string attr = r.Action.Action switch
            {
                CoreAction.Allow => "Allow", CoreAction.Errno => "Deny", CoreAction.KillProcess or CoreAction.KillThread => "Kill",
                CoreAction.Log => "Log", CoreAction.Trap => "Trap", CoreAction.Trace => "Trace", _ => "Notify",
            };
            string when = r.When != null ? $", When = \"{r.When}\"" : "";
            sb.AppendLine($"[{attr}({names}{extra}{when})]");
        }
        sb.AppendLine($"public static partial class {className};");
        return sb.ToString();
    }

    /// <summary>Random seccomp_data for a policy: its own and other syscall numbers, x32 and foreign-arch calls,
    /// and arguments at the edges of the policy's constants, with garbage in the high word of 32-bit ones.</summary>
    public static (uint Arch, uint Nr, ulong[] Args) RandomCall(Random rng, ArchInfo arch, RandomPolicy policy)
    {
        uint auditArch = rng.Next(40) == 0 ? ArchInfo.All[rng.Next(ArchInfo.All.Count)].AuditArch ^ (rng.Next(2) == 0 ? 0u : 0x40000000u) : arch.AuditArch;
        uint nr;
        int pick = rng.Next(20);
        if (pick < 14 && policy.Names.Count > 0 && arch.TryGetNumber(policy.Names[rng.Next(policy.Names.Count)], out int n)) nr = (uint)n;
        else if (pick < 17) nr = (uint)rng.Next(0, arch.MaxSyscall + 30);
        else if (pick < 18) nr = ArchInfo.X32SyscallBit | (uint)rng.Next(0, 600);
        else if (pick < 19) nr = uint.MaxValue - (uint)rng.Next(0, 2);
        else nr = (uint)rng.Next();
        var args = new ulong[6];
        for (int i = 0; i < 6; i++)
        {
            ulong v = rng.Next(5) switch
            {
                0 => Edges[rng.Next(Edges.Length)],
                1 or 2 when policy.Constants.Count > 0 => policy.Constants[rng.Next(policy.Constants.Count)] + (ulong)(rng.Next(3) - 1),
                3 => (ulong)rng.NextInt64(),
                _ => (ulong)rng.Next(0, 64),
            };
            // The kernel passes whatever the register held: a 32-bit argument's high word can be anything.
            if (rng.Next(4) == 0) v = (v & 0xffff_ffff) | ((ulong)(uint)rng.Next() << 32);
            args[i] = v;
        }
        return (auditArch, nr, args);
    }
}
