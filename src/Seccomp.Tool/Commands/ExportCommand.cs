// `dotnet-seccomp export ASSEMBLY [--policy NAME] --format oci|spo|crun -o FILE [--arch ARCH ...] [--approximate]`:
// a policy of a built assembly for a container runtime. The policy is read back from the SeccompPolicySource the
// generator puts in the class and compiled again by the same core; the OCI lowering (Seccomp.Compiler.Containers)
// makes a profile that runc and crun enforce exactly as the generated program decides, or says what it cannot say.

using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text;
using Seccomp.Common;
using Seccomp.Compiler;
using Seccomp.Compiler.Containers;

namespace Seccomp.Tool;

internal static class ExportCommand
{
    public static Command Create()
    {
        var assembly = new Argument<string>("assembly") { Description = "The built assembly (.dll) that declares the policy class." };
        var policy = new Option<string?>("--policy") { Description = "The policy class (full name, or the class name alone); needed when the assembly declares several." };
        var format = new Option<string>("--format") { Description = "oci: the linux.seccomp object of an OCI runtime config; spo: a security-profiles-operator SeccompProfile; crun: crun's run.oci.seccomp_bpf_data annotation with the program's bytes.", Required = true };
        format.AcceptOnlyFromAmong("oci", "spo", "crun");
        var output = new Option<string>("-o", "--output") { Description = "The file to write (- for standard output).", Required = true };
        var arch = new Option<string[]>("--arch") { Description = "Only these architectures (oci, spo: default every one the policy targets; crun: one, default this machine's).", AllowMultipleArgumentsPerToken = false };
        var selfPid = new Option<uint?>("--self-pid") { Description = "The pid the service has in the container (1 when it is the container's first process): what SELF_PID in the policy stands for, which Apply() learns only at install." };
        var approximate = new Option<bool>("--approximate") { Description = "Write what cannot be exported exactly in a stricter form, with a warning, instead of failing." };
        var cmd = new Command("export",
            "Write a policy for a container runtime: an OCI profile that runc and crun enforce exactly as the policy's program decides, "
            + "the same as a Kubernetes SeccompProfile (security-profiles-operator), or the program itself for crun. Exits 0, 1 on a usage "
            + "error, 4 when the assembly cannot be read, declares no such policy, or the policy cannot be exported exactly (one line per rule).")
        {
            assembly, policy, format, output, arch, selfPid, approximate,
        };
        cmd.SetAction(pr => Run(pr.GetValue(assembly)!, pr.GetValue(policy), pr.GetValue(format)!, pr.GetValue(output)!,
            pr.GetValue(arch) ?? Array.Empty<string>(), pr.GetValue(selfPid), pr.GetValue(approximate)));
        return cmd;
    }

    private static int Run(string path, string? wanted, string format, string output, string[] archNames, uint? selfPid, bool approximate)
    {
        var archs = new List<SeccompArch>();
        foreach (var name in archNames)
        {
            var info = ArchInfo.All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
            if (info == null) return Program.Fail(ExitCodes.Usage, $"unknown architecture '{SourceText.Escape(name)}'; architectures: {string.Join(", ", ArchInfo.All.Select(a => a.Name))}");
            if (!archs.Contains(info.Arch)) archs.Add(info.Arch);
        }
        if (format == "crun" && archs.Count > 1) return Program.Fail(ExitCodes.Usage, "--format crun carries one program: give one --arch");
        if (OutputFile.Check(output) is { } unwritable) return Program.Fail(ExitCodes.BadInput, unwritable);

        List<(Type Type, PolicySource Source)> policies;
        try
        {
            policies = ExplainCommand.ReadPolicies(path);
        }
        catch (Exception e) when (e is IOException or BadImageFormatException or FormatException or UnauthorizedAccessException or ArgumentException)
        {
            return Program.Fail(ExitCodes.BadInput, $"cannot read {SourceText.Escape(path)}: {SourceText.Escape(e.Message)}");
        }
        if (wanted != null)
            policies = policies.Where(p => p.Source.Name == wanted || p.Source.Name.EndsWith("." + wanted, StringComparison.Ordinal)).ToList();
        if (policies.Count == 0)
            return Program.Fail(ExitCodes.BadInput, wanted == null ? $"{SourceText.Escape(path)} declares no policy class (built with Seccomp.Generators?)" : $"{SourceText.Escape(path)} declares no policy class {SourceText.Escape(wanted)}");
        if (policies.Count > 1)
            return Program.Fail(ExitCodes.Usage, $"{SourceText.Escape(path)} declares {policies.Count} policy classes ({string.Join(", ", policies.Select(p => p.Source.Name))}); choose one with --policy");
        var (type, source) = policies[0];
        var compilation = source.Compilation;
        if (compilation.HasErrors)
            return Program.Fail(ExitCodes.BadInput, $"{source.Name} does not compile: {compilation.Errors.First().Message}");

        foreach (var a in archs)
            if (!source.Architectures.Contains(a))
                return Program.Fail(ExitCodes.BadInput, $"{source.Name} has no program for {ArchInfo.Get(a).Name} (it targets {string.Join(", ", source.Architectures.Select(x => ArchInfo.Get(x).Name))})");
        if (archs.Count == 0)
        {
            if (format != "crun") archs.AddRange(source.Architectures);
            else if (HostArchitecture.Current is SeccompArch host && source.Architectures.Contains(host)) archs.Add(host);
            else return Program.Fail(ExitCodes.Usage, "--format crun needs --arch here (this machine's architecture is not one the policy targets)");
        }

        string text;
        if (format == "crun")
        {
            var program = compilation.Program(archs[0]);
            if (program.ProcessIdSlots.Count > 0 && selfPid == null)
                return Program.Fail(ExitCodes.BadInput, $"{source.Name}: its program compares with SELF_PID, which Apply() writes in at install; give the pid the service has in the container (--self-pid 1 when it is the container's first process)");
            // The assembly's own bytes, as Apply() would install them; this tool's compilation when the class has none.
            byte[] bytes = ExplainCommand.ProgramOf(type, archs[0]) ?? program.ToBytes();
            // What Apply() does at install: the pid into the K of each SELF_PID comparison (struct sock_filter: u16 code,
            // u8 jt, u8 jf, u32 k; little-endian on every architecture this tool targets).
            foreach (int slot in program.ProcessIdSlots)
                BitConverter.TryWriteBytes(bytes.AsSpan(slot * 8 + 4, 4), selfPid!.Value);
            text = "{\n  \"run.oci.seccomp_bpf_data\": \"" + Convert.ToBase64String(bytes) + "\"\n}\n";
        }
        else
        {
            var problems = new List<OciProblem>();
            var profile = OciLowering.Lower(compilation, archs, source.LogDenied, approximate, problems, selfPid);
            // One line per rule and call: the same reason on every architecture is said once.
            var lines = problems.Select(p => Describe(source, p)).Distinct().ToList();
            if (format == "spo") lines.AddRange(SpoYaml.Unrepresentable(profile).Select(l => $"{source.Name}: {l}"));
            if (lines.Count > 0 && !(approximate && format == "oci"))
            {
                foreach (var line in lines) Program.Fail(ExitCodes.BadInput, line);
                return Program.Fail(ExitCodes.BadInput, $"{source.Name} cannot be exported exactly ({lines.Count} {(lines.Count == 1 ? "reason" : "reasons")} above)"
                    + (approximate ? "; values a SeccompProfile cannot hold have no stricter form" : "; --approximate writes a stricter profile instead"));
            }
            foreach (var line in lines) Console.Error.WriteLine($"dotnet-seccomp: warning: {line} (exported in a stricter form)");
            text = format == "oci" ? OciJson.Write(profile) : SpoYaml.Write(profile, SpoYaml.ObjectName(source.Name), source.Name);
        }
        var bytesOut = Encoding.UTF8.GetBytes(text);
        return OutputFile.Write(output, "profile", s => s.Write(bytesOut)) == output ? ExitCodes.Ok : ExitCodes.BadInput;
    }

    /// <summary>One line: the rule by file, line and text (or the setting), and why.</summary>
    private static string Describe(PolicySource source, OciProblem p)
    {
        string where = p.RuleIndex >= 0 && p.RuleIndex < source.Rules.Count
            ? $"{source.Rules[p.RuleIndex].Location} {source.Rules[p.RuleIndex].Text}"
            : source.Name;
        return $"{where}: {p.Reason}";
    }
}
