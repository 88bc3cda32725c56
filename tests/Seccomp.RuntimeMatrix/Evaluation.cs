using System.Globalization;
using Seccomp;

namespace Seccomp.RuntimeMatrix;

/// <summary>
/// The verdicts of the matrix's policies for calls recorded elsewhere: eng/measure-runtime-matrix-qemu.sh records an
/// aarch64 build of this program under qemu-user, which cannot install a filter, and asks the x86_64 build what the
/// aarch64 program of the same policy answers to each call (the generated Evaluate, the BPF interpreter).
/// </summary>
internal static class Evaluation
{
    /// <summary>A path no system has: the stat of it in a trace is where Main begins (--mark).</summary>
    public const string MarkPath = "/seccomp-runtime-matrix-mark/main-starts-here";

    /// <summary>Reads "NAME ARG..." lines (hex arguments, at most six), writes "NAME ARG... VERDICT" lines.</summary>
    public static int Run(string archName, bool children)
    {
        // The enum's names are the architectures' (x86_64, aarch64, riscv64...), in another case.
        if (!Enum.TryParse(archName, ignoreCase: true, out SeccompArch arch))
            throw new ArgumentException("unknown architecture " + archName);
        string? line;
        while ((line = Console.In.ReadLine()) != null)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            var values = parts.Skip(1).Select(a => ulong.Parse(a.StartsWith("0x") ? a[2..] : a, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
            var verdict = children
                ? RuntimeAndProcess.Evaluate(arch, parts[0], values)
                : RuntimeOnly.Evaluate(arch, parts[0], values);
            Console.Out.WriteLine(line + " " + verdict);
        }
        return 0;
    }
}
