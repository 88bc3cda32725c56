using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;
using Seccomp;
using Seccomp.Compiler;
using Seccomp.Tests.Oracles;
using Seccomp.Tests.Policies;
using Seccomp.Tests.Support;

// Each method runs in child processes of its own (filters stack and cannot be removed), installing the Docker
// default profile over and over; the parent collects the per-install times and prints the figures.
// `percall` measures the cost of each call under the installed filter instead (PerCall.cs).
const int Children = 6, PerChild = 50, Warmup = 3;

if (args.Length == 2 && args[0] == "child") return Child(args[1]);
// Per-call cost on the real kernel (with and without the action cache): `percall [ROUNDS]`; see PerCall.cs.
if (args.Length >= 1 && args[0].StartsWith("percall", StringComparison.Ordinal)) return PerCall.Run(args);

var methods = new[] { "apply", "kernel", "libseccomp-load", "libseccomp-build" };
var samples = methods.ToDictionary(m => m, _ => new List<double>());
foreach (var method in methods)
    for (int c = 0; c < Children; c++)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(typeof(DockerDefaultPolicy).Assembly.Location);
        psi.ArgumentList.Add("child");
        psi.ArgumentList.Add(method);
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) { Console.Error.WriteLine($"{method}: child failed ({p.ExitCode}): {err}"); return 1; }
        samples[method].AddRange(output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture)));
    }

static double Median(List<double> xs) { var s = xs.OrderBy(x => x).ToArray(); return s[s.Length / 2]; }
static double P90(List<double> xs) { var s = xs.OrderBy(x => x).ToArray(); return s[(int)(s.Length * 0.9)]; }

var info = ArchInfo.Get(CoreArch.X86_64);
var model = AttributeModel.FromType(typeof(DockerDefaultPolicy));
var ours = DockerDefaultPolicy.GetProgram(Seccomp.SeccompArch.X86_64);
var theirs = new SeccompProgram(Seccomp.SeccompArch.X86_64, LibSeccomp.Compile(info.AuditArch, model.DefaultAction.ToKernel(),
    AttributeModel.ToLibSeccomp(model, CoreArch.X86_64)!, model.BadArchAction.ToKernel(), AttributeModel.ExtraSyscalls(CoreArch.X86_64)));
double MeanExecuted(SeccompProgram prog) => Enumerable.Range(0, info.MaxSyscall + 1)
    .Select(nr => { prog.Run(new SeccompData(nr, info.AuditArch, 0, default), out int n); return n; }).Average();

Console.WriteLine($"Docker default profile, x86_64, {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores");
Console.WriteLine($"program: Seccomp.Generators {ours.Count} instructions, {MeanExecuted(ours):F2} executed per call (mean over syscalls 0..{info.MaxSyscall});"
    + $" libseccomp 2.5.4 {theirs.Count} instructions, {MeanExecuted(theirs):F2} executed");
Console.WriteLine();
Console.WriteLine($"install time, {Children} processes x {PerChild} installs per method (microseconds):");
Console.WriteLine($"{"method",-54} {"median",8} {"mean",8} {"p90",8}");
var labels = new Dictionary<string, string>
{
    ["apply"] = "DockerDefaultPolicy.Apply() (check, probe, nnp, seccomp)",
    ["kernel"] = "kernel alone: seccomp(SET_MODE_FILTER, TSYNC, same bytes)",
    ["libseccomp-load"] = "libseccomp at run time: build rules + seccomp_load",
    ["libseccomp-build"] = "libseccomp at run time: build rules + export only",
};
foreach (var m in methods)
    Console.WriteLine($"{labels[m],-54} {Median(samples[m]),8:F1} {samples[m].Average(),8:F1} {P90(samples[m]),8:F1}");
Console.WriteLine();
Console.WriteLine($"Apply() / kernel alone:        {Median(samples["apply"]) / Median(samples["kernel"]):F2}x (median)");
Console.WriteLine($"libseccomp load / Apply():     {Median(samples["libseccomp-load"]) / Median(samples["apply"]):F1}x (median)");
return 0;

static unsafe int Child(string method)
{
    var info = ArchInfo.Get(CoreArch.X86_64);
    var model = AttributeModel.FromType(typeof(DockerDefaultPolicy));
    var rules = AttributeModel.ToLibSeccomp(model, CoreArch.X86_64)!;
    var extra = AttributeModel.ExtraSyscalls(CoreArch.X86_64);
    byte[] bytes = DockerDefaultPolicy.GetProgram(Seccomp.SeccompArch.X86_64).ToBytes();
    if (method == "kernel" && prctl(38, 1, 0, 0, 0) != 0) return 2;
    Action install = method switch
    {
        "apply" => () => DockerDefaultPolicy.Apply(),
        "kernel" => () =>
        {
            fixed (byte* p = bytes)
            {
                var prog = new SockFprog { Len = (ushort)(bytes.Length / 8), Filter = p };
                if (syscall(317, 1, 1 /* TSYNC */, &prog) != 0) throw new InvalidOperationException("seccomp failed");
            }
        },
        "libseccomp-load" => () => LibSeccomp.Load(info.AuditArch, model.DefaultAction.ToKernel(), rules, model.BadArchAction.ToKernel(), extra),
        _ => () => LibSeccomp.Compile(info.AuditArch, model.DefaultAction.ToKernel(), rules, model.BadArchAction.ToKernel(), extra),
    };
    for (int i = 0; i < Warmup; i++) install();
    var sw = new Stopwatch();
    for (int i = 0; i < PerChild; i++)
    {
        sw.Restart();
        install();
        sw.Stop();
        Console.WriteLine((sw.Elapsed.TotalMilliseconds * 1000).ToString("F2", CultureInfo.InvariantCulture));
    }
    return 0;
}

[DllImport("libc")] static extern int prctl(int option, ulong a2, ulong a3, ulong a4, ulong a5);
[DllImport("libc", SetLastError = true)] static extern unsafe long syscall(long nr, long op, long flags, void* args);

[StructLayout(LayoutKind.Sequential)]
unsafe struct SockFprog { public ushort Len; public void* Filter; }
