// `dotnet-seccomp import PROFILE.json --class NS.Name -o FILE.cs [--arch A ...] [--caps C ...] [--kernel X.Y]`: a
// Docker or OCI seccomp profile, resolved as Docker resolves it when a container starts, written as a policy class.
// The build then reports what the analyzers flag in it, as for any policy.

using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text;
using Seccomp.Common;
using Seccomp.Compiler;
using Seccomp.Compiler.Conditions;

namespace Seccomp.Tool;

internal static class ImportCommand
{
    public static Command Create()
    {
        var profile = new Argument<string>("profile") { Description = "A Docker (moby) or OCI linux.seccomp profile, JSON." };
        var className = new Option<string>("--class") { Description = "The policy class to write: NAMESPACE.NAME.", Required = true };
        var output = new Option<string>("-o", "--output") { Description = "The C# file to write (- for standard output).", Required = true };
        var arch = new Option<string[]>("--arch") { Description = "The architecture the profile is resolved for (default: this machine's); several only when the profile resolves alike on each." };
        var caps = new Option<string[]>("--caps") { Description = "The container's capabilities, for includes/excludes.caps (default: Docker's default set). Repeat or separate with commas." };
        var kernel = new Option<string?>("--kernel") { Description = "The kernel version X.Y for includes/excludes.minKernel (default: this machine's)." };
        var cmd = new Command("import",
            "Write a Docker or OCI seccomp profile as a policy class, resolved as Docker resolves it for an architecture, capabilities "
            + "and a kernel version. Exits 0, 1 on a usage error, 4 when the profile cannot be read or holds something a policy cannot say.")
        {
            profile, className, output, arch, caps, kernel,
        };
        cmd.SetAction(pr => Run(pr.GetValue(profile)!, pr.GetValue(className)!, pr.GetValue(output)!, pr.GetValue(arch) ?? Array.Empty<string>(),
            pr.GetValue(caps) is { Length: > 0 } given ? given : null, pr.GetValue(kernel)));
        return cmd;
    }

    private static int Run(string path, string className, string output, string[] archNames, string[]? capsGiven, string? kernelText)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(className, @"^@?[A-Za-z_][A-Za-z0-9_]*(\.@?[A-Za-z_][A-Za-z0-9_]*)*$"))
            return Program.Fail(ExitCodes.Usage, $"--class {SourceText.Escape(className)} is not a C# name NAMESPACE.NAME");
        var archs = new List<SeccompArch>();
        foreach (var name in archNames)
        {
            var info = ArchInfo.All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
            if (info == null) return Program.Fail(ExitCodes.Usage, $"unknown architecture '{SourceText.Escape(name)}'; architectures: {string.Join(", ", ArchInfo.All.Select(a => a.Name))}");
            if (!archs.Contains(info.Arch)) archs.Add(info.Arch);
        }
        if (archs.Count == 0)
        {
            if (HostArchitecture.Current is not SeccompArch host) return Program.Fail(ExitCodes.Usage, "--arch is needed on this machine");
            archs.Add(host);
        }
        var caps = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in capsGiven ?? DockerProfile.DefaultCaps)
            foreach (var one in c.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                caps.Add(one.ToUpperInvariant().StartsWith("CAP_", StringComparison.Ordinal) ? one.ToUpperInvariant() : "CAP_" + one.ToUpperInvariant());
        (int, int) kernel;
        try
        {
            kernel = DockerProfile.Kernel(kernelText ?? File.ReadAllText("/proc/sys/kernel/osrelease").Trim().Split('-')[0], "--kernel");
        }
        catch (FormatException e)
        {
            return Program.Fail(ExitCodes.Usage, e.Message);
        }
        if (OutputFile.Check(output) is { } unwritable) return Program.Fail(ExitCodes.BadInput, unwritable);

        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return Program.Fail(ExitCodes.BadInput, $"cannot read {SourceText.Escape(path)}: {SourceText.Escape(e.Message)}");
        }
        string command = $"dotnet-seccomp import {path} --class {className} {string.Join(" ", archs.Select(a => "--arch " + ArchInfo.Get(a).Name))} --kernel {kernel.Item1}.{kernel.Item2}"
            + (capsGiven == null ? "" : " --caps " + string.Join(",", caps.OrderBy(c => c, StringComparer.Ordinal)));
        string? text = null;
        SeccompArch first = archs[0];
        foreach (var arch in archs)
        {
            ImportedPolicyWriter.Resolved resolved;
            try
            {
                resolved = Resolve(DockerProfile.Parse(json, arch, caps, kernel), arch);
            }
            catch (FormatException e)
            {
                return Program.Fail(ExitCodes.BadInput, $"{SourceText.Escape(path)}: {SourceText.Escape(e.Message)}");
            }
            string mine = ImportedPolicyWriter.Write(resolved, className, path, archs, caps, kernel, command);
            if (text != null && mine != text)
                return Program.Fail(ExitCodes.BadInput, $"{SourceText.Escape(path)} resolves differently on {ArchInfo.Get(first).Name} and {ArchInfo.Get(arch).Name}; import one architecture per class");
            text = mine;
        }
        var bytes = Encoding.UTF8.GetBytes(text!);
        return OutputFile.Write(output, "policy class", s => s.Write(bytes)) == output ? ExitCodes.Ok : ExitCodes.BadInput;
    }

    /// <summary>
    /// The entries that apply, as attributes: runc adds an entry's conditions as one rule (ANDed), or, when one argument
    /// is tested twice, one rule per condition (ORed); entries of one call and action OR together.
    /// </summary>
    private static ImportedPolicyWriter.Resolved Resolve(DockerProfile profile, SeccompArch arch)
    {
        var info = ArchInfo.Get(arch);
        var key = ImportedPolicyWriter.Action(profile.DefaultAction, profile.DefaultErrnoRet)
            ?? throw new FormatException($"$.defaultAction: {profile.DefaultAction} has no policy equivalent");
        var r = new ImportedPolicyWriter.Resolved { Default = key };
        var unconditional = new Dictionary<string, ImportedPolicyWriter.ActionKey>(StringComparer.Ordinal);
        foreach (var e in profile.Entries)
        {
            string at = $"$.syscalls[{e.Position}]";
            if (e.SkipReason != null) { r.Skipped.Add((e.Names, e.SkipReason)); continue; }
            var action = ImportedPolicyWriter.Action(e.Action, e.ErrnoRet)
                ?? throw new FormatException($"{at}.action: {e.Action} has no policy equivalent (NOTIFY goes to the runtime's listener)");
            foreach (var name in e.Names)
            {
                if (!info.TryGetNumber(name, out _)) { r.Dropped.Add(name); continue; }
                if (e.Args.Count == 0)
                {
                    if (unconditional.TryGetValue(name, out var prev) && prev != action)
                        throw new FormatException($"{at}: {name} already has another unconditional action");
                    unconditional[name] = action;
                    if (!r.Unconditional.TryGetValue(action, out var set)) r.Unconditional[action] = set = new SortedSet<string>(StringComparer.Ordinal);
                    set.Add(name);
                    continue;
                }
                var parameters = Signatures.Get(name, arch);
                var terms = new List<string>();
                foreach (var a in e.Args)
                {
                    string term = ImportedPolicyWriter.Term(a, parameters) ?? throw new FormatException($"{at}: comparison {a.Op} is not one of SCMP_CMP_EQ, NE, LT, LE, GT, GE, MASKED_EQ");
                    // The compiler's own binder decides what the policy can hold (a value out of the argument's range, a pointer).
                    ConditionBinder.Bind(term, name, info, out var problems);
                    if (problems.Count > 0) throw new FormatException($"{at} ({name}): '{term}': {problems[0].Message}");
                    terms.Add(term);
                }
                var alternatives = e.Args.Select(a => a.Index).Distinct().Count() < e.Args.Count
                    ? terms.Select(t => new List<string> { t }).ToList()
                    : new List<List<string>> { terms };
                if (!r.Conditional.TryGetValue((action, name), out var list)) r.Conditional[(action, name)] = list = new List<List<string>>();
                list.AddRange(alternatives);
            }
        }
        return r;
    }
}
