// The file a policy's Apply() leaves for the tool when it is built with SeccompAllowRecording (RecordingInstaller
// writes it): the policy's own document (its SeccompPolicySource) with the architecture and the program it enforces
// added. Read by the supervisor for each process that hands over a listener, so that `check` answers with the app's
// own program and names the deciding rule. The format and its reader are shared (PolicyDocument, DeclaredPolicy).

extern alias rt;

using System;
using System.IO;
using Seccomp.Compiler;
using Seccomp.Generators;

namespace Seccomp.Tool;

/// <summary>A policy applied in recording mode: what its Apply() left in SECCOMP_RECORD_DIR/&lt;pid&gt;.policy.</summary>
internal sealed class AppliedPolicy
{
    public required string Name { get; init; }
    public required SeccompArch Arch { get; init; }
    /// <summary>The program as it is enforced without the tool (the runtime's own interpreter runs it).</summary>
    public required rt::Seccomp.SeccompProgram Program { get; init; }
    public required PolicySource Source { get; init; }

    /// <summary>The file of process <paramref name="pid"/> in the tool's private directory.</summary>
    public static string PathOf(string dir, int pid) => Path.Combine(dir, pid + PolicyDocument.FileExtension);

    /// <summary>What the app's own program answers to a notified call, run by the runtime's interpreter.</summary>
    public SeccompVerdict Run(in SeccompNotif n, ulong[] args) =>
        RuntimeConversions.ToCore(Program.Run(new rt::Seccomp.SeccompData(n.Nr, n.Arch, n.InstructionPointer, args), out _));

    public static AppliedPolicy? Read(string path)
    {
        if (!File.Exists(path)) return null;
        if (new FileInfo(path).LinkTarget != null) throw new FormatException($"{path}: a symbolic link, not a policy file Apply() wrote");
        DeclaredPolicy declared;
        try { declared = DeclaredPolicy.Parse(File.ReadAllText(path)); }
        catch (FormatException ex) { throw new FormatException($"{path}: not a policy file of this version: {ex.Message}"); }
        var applied = declared.Applied ?? throw new FormatException($"{path}: a policy without the program Apply() installed");
        return new AppliedPolicy
        {
            Name = declared.Name,
            Arch = applied.Arch,
            Program = new rt::Seccomp.SeccompProgram(RuntimeConversions.ToRuntime(applied.Arch), applied.Program),
            Source = PolicySource.Of(declared),
        };
    }
}
