// `dotnet-seccomp explain ASSEMBLY [--policy NAME] [--arch A]`: for every syscall of an architecture, the verdict of
// each policy in the assembly, the rule that decides it (file:line and the attribute as written) and its condition.

using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using Seccomp.Common;
using Seccomp.Compiler;
using Seccomp.Compiler.Policy;

namespace Seccomp.Tool;

internal static class ExplainCommand
{
    public static Command Create()
    {
        var assembly = new Argument<string>("assembly") { Description = "The built assembly (.dll) that declares the policy classes." };
        var policy = new Option<string?>("--policy") { Description = "Only this policy class (full name, or the class name alone)." };
        var arch = new Option<string?>("--arch") { Description = "The architecture: x86_64, aarch64 or riscv64 (default: the one this machine runs)." };
        var cmd = new Command("explain",
            "For every syscall of an architecture, print each policy's verdict, the rule that decides it (file:line and the "
            + "attribute as written) and its condition, from the rule table the generator puts in each policy class. Exits 0, "
            + "1 on a usage error, 4 when the assembly cannot be read or declares no policy.")
        {
            assembly, policy, arch,
        };
        cmd.SetAction(pr =>
        {
            string path = pr.GetValue(assembly)!;
            string? archName = pr.GetValue(arch);
            SeccompArch target;
            if (archName == null)
            {
                if (HostArchitecture.Current is not SeccompArch running) return Program.Fail(ExitCodes.Usage, "--arch is needed on this machine");
                target = running;
            }
            else
            {
                var info = ArchInfo.All.FirstOrDefault(a => string.Equals(a.Name, archName, StringComparison.OrdinalIgnoreCase));
                if (info == null) return Program.Fail(ExitCodes.Usage, $"unknown architecture '{archName}'; architectures: {string.Join(", ", ArchInfo.All.Select(a => a.Name))}");
                target = info.Arch;
            }
            List<(Type Type, PolicySource Source)> policies;
            try
            {
                policies = ReadPolicies(path);
            }
            catch (Exception e) when (e is IOException or BadImageFormatException or FormatException or UnauthorizedAccessException or ArgumentException)
            {
                return Program.Fail(ExitCodes.BadInput, $"cannot read {path}: {e.Message}");
            }
            string? wanted = pr.GetValue(policy);
            if (wanted != null)
                policies = policies.Where(p => p.Source.Name == wanted || p.Source.Name.EndsWith("." + wanted, StringComparison.Ordinal)).ToList();
            if (policies.Count == 0)
                return Program.Fail(ExitCodes.BadInput, wanted == null ? $"{path} declares no policy class (built with Seccomp.Generators?)" : $"{path} declares no policy class {wanted}");
            foreach (var (type, source) in policies)
            {
                if (!source.Architectures.Contains(target))
                {
                    Console.WriteLine($"{source.Name}: no program for {ArchInfo.Get(target).Name} (it targets {string.Join(", ", source.Architectures.Select(a => ArchInfo.Get(a).Name))})");
                    continue;
                }
                Console.Write(Explain(source, target, ProgramOf(type, target)));
            }
            return ExitCodes.Ok;
        });
        return cmd;
    }

    /// <summary>Every policy class in the assembly: its full name and its generated SeccompPolicySource.</summary>
    internal static List<(Type Type, PolicySource Source)> ReadPolicies(string assemblyPath)
    {
        string full = Path.GetFullPath(assemblyPath);
        var alc = new AssemblyLoadContext("dotnet-seccomp explain", isCollectible: true);
        string dir = Path.GetDirectoryName(full)!;
        alc.Resolving += (ctx, name) =>
        {
            string candidate = Path.Combine(dir, name.Name + ".dll");
            return File.Exists(candidate) ? ctx.LoadFromAssemblyPath(candidate) : null;
        };
        var asm = alc.LoadFromAssemblyPath(full);
        Type[] types;
        try { types = asm.GetTypes(); }
        catch (ReflectionTypeLoadException e) { types = e.Types.Where(t => t != null).ToArray()!; }
        var result = new List<(Type, PolicySource)>();
        foreach (var t in types)
        {
            var f = t.GetField(PolicySource.FieldName, BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly);
            if (f is { IsLiteral: true } && f.GetRawConstantValue() is string json)
                result.Add((t, PolicySource.Parse(json)));
        }
        return result.OrderBy(p => p.Item2.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The bytes the assembly's GetProgram(arch) returns, or null when it has none.</summary>
    internal static byte[]? ProgramOf(Type policy, SeccompArch arch)
    {
        try
        {
            var m = policy.GetMethod("GetProgram", BindingFlags.Public | BindingFlags.Static);
            if (m == null || policy.ContainsGenericParameters) return null;
            var program = m.Invoke(null, new[] { Enum.ToObject(m.GetParameters()[0].ParameterType, (int)arch) });
            return program?.GetType().GetMethod("ToBytes")?.Invoke(program, null) as byte[];
        }
        catch (TargetInvocationException)
        {
            return null;
        }
    }

    private static string Explain(PolicySource source, SeccompArch arch, byte[]? built)
    {
        var sb = new StringBuilder();
        var info = ArchInfo.Get(arch);
        var compilation = source.Compilation;
        sb.Append(source.Name).Append(" on ").Append(info.Name).Append('\n');
        if (compilation.HasErrors)
        {
            foreach (var e in compilation.Errors) sb.Append("  error: ").Append(e.Message).Append('\n');
            return sb.ToString();
        }
        var program = compilation.Program(arch);
        if (built != null && !built.AsSpan().SequenceEqual(program.ToBytes()))
            sb.Append("  note: the assembly's program differs from this tool's compilation of the same rules (another version of Seccomp.Generators?); verdicts below are this tool's\n");
        sb.Append("  every other call: ").Append(PolicySource.Describe(source.Default)).Append(" (DefaultAction)\n");
        sb.Append("  numbers beyond the table: ").Append(PolicySource.Describe(source.Unknown)).Append(" (UnknownSyscalls)\n");
        sb.Append("  other architectures").Append(info.HasX32 ? " and x32" : "").Append(": ").Append(PolicySource.Describe(source.BadArch)).Append(" (BadArchAction)\n");
        var resolved = program.Resolved;
        foreach (var (name, nr) in info.Syscalls.OrderBy(kv => kv.Value))
        {
            var rules = resolved.RulesFor(nr);
            sb.Append("  ").Append(name).Append(" (").Append(nr).Append("): ");
            if (rules.Count == 0)
            {
                sb.Append(PolicySource.Describe(source.Default)).Append("  by DefaultAction\n");
                continue;
            }
            var unconditional = rules.Where(r => r.Condition == null).ToList();
            var conditional = rules.Where(r => r.Condition != null).ToList();
            SeccompVerdict otherwise = unconditional.Count > 0 ? unconditional.Select(r => r.Action).Aggregate(SeccompVerdict.Strictest) : source.Default;
            if (conditional.Count == 0)
            {
                sb.Append(PolicySource.Describe(otherwise)).Append("  by ");
                sb.Append(string.Join("; ", unconditional.Where(r => r.Action == otherwise).Select(r => Rule(source, r.RuleIndex)).Distinct()));
                sb.Append('\n');
                continue;
            }
            sb.Append("depends on the arguments\n");
            foreach (var r in conditional)
            {
                var rule = source.Rules[r.RuleIndex];
                sb.Append("      ").Append(PolicySource.Describe(r.Action)).Append(" when ")
                  .Append(Condition(rule.When, rule.Syscalls, name)).Append("  by ").Append(Rule(source, r.RuleIndex)).Append('\n');
            }
            sb.Append("      otherwise ").Append(PolicySource.Describe(otherwise)).Append("  by ")
              .Append(unconditional.Count > 0 ? string.Join("; ", unconditional.Where(r => r.Action == otherwise).Select(r => Rule(source, r.RuleIndex)).Distinct()) : "DefaultAction")
              .Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>
    /// The condition a rule applies to <paramref name="syscall"/>: its own When, and the member's condition of each
    /// group it names that holds the call (a group member narrows the call itself: ioctl's requests, clone's flags).
    /// </summary>
    private static string Condition(string? when, IReadOnlyList<string> names, string syscall)
    {
        var member = names.Where(n => n.StartsWith("@", StringComparison.Ordinal))
            .Select(g => SyscallGroups.TryGet(g.Substring(1), out var members) ? members.FirstOrDefault(m => m.Name == syscall && m.When != null) : null)
            .FirstOrDefault(m => m != null);
        if (member == null) return when ?? "its condition holds";
        return when == null ? member.When! : $"({when}) && ({member.When})";
    }

    private static string Rule(PolicySource source, int index)
    {
        var r = source.Rules[index];
        return r.Location + " " + r.Text;
    }
}
