// The file a policy's Apply() leaves for the tool when it is built with SeccompAllowRecording (RecordingInstaller
// writes it): its name, architecture, enforced program and SeccompPolicySource. Read by the supervisor for each process
// that hands over a listener, so that `check` answers with the app's own program and names the deciding rule.

extern alias rt;

using System;
using System.IO;
using System.Linq;
using Seccomp.Compiler;

namespace Seccomp.Tool;

/// <summary>A policy applied in recording mode: what its Apply() left in SECCOMP_RECORD_DIR/&lt;pid&gt;.policy.</summary>
internal sealed class AppliedPolicy
{
    public required string Name { get; init; }
    public required SeccompArch Arch { get; init; }
    /// <summary>The program as it is enforced without the tool (the runtime's own interpreter runs it).</summary>
    public required rt::Seccomp.SeccompProgram Program { get; init; }
    public PolicySource? Source { get; init; }

    /// <summary>What the app's own program answers to a notified call, run by the runtime's interpreter.</summary>
    public SeccompVerdict Run(in SeccompNotif n, ulong[] args) =>
        RuntimeConversions.ToCore(Program.Run(new rt::Seccomp.SeccompData(n.Nr, n.Arch, n.InstructionPointer, args), out _));

    public static AppliedPolicy? Read(string path)
    {
        if (!File.Exists(path)) return null;
        if (new FileInfo(path).LinkTarget != null) throw new FormatException($"{path}: a symbolic link, not a policy file Apply() wrote");
        string[] lines = File.ReadAllLines(path);
        if (lines.Length < 4 || lines[0] != "seccomp-policy 1") throw new FormatException($"{path}: not a policy file of this version");
        var arch = ArchInfo.All.First(a => a.Name == lines[2]).Arch;
        string source = lines.Length > 4 ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(lines[4])) : "";
        return new AppliedPolicy
        {
            Name = lines[1],
            Arch = arch,
            Program = new rt::Seccomp.SeccompProgram(RuntimeConversions.ToRuntime(arch), Convert.FromBase64String(lines[3])),
            Source = source.Length > 0 ? PolicySource.Parse(source) : null,
        };
    }
}
