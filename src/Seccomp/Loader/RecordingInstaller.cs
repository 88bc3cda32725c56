using System;
using System.Collections.Generic;
using System.IO;
using Seccomp.Bpf;
using Seccomp.Common;
using Seccomp.Recording;

namespace Seccomp
{
    /// <summary>
    /// Apply() under <c>dotnet-seccomp record</c> or <c>check</c>, for a build with SeccompAllowRecording only (the
    /// generated code passes that as a constant; a build without it never gets here). The policy is installed with
    /// every denial turned into USER_NOTIF (<see cref="InstallPlanner.ForRecording"/>) and a listener, which is handed
    /// to the tool over the same handshake as the tool's startup hook (RecorderHandshake.cs). The tool then answers
    /// each denied call: record lets it run, check gives the policy's answer. Before the install the policy (its
    /// planned program and its rules, one <see cref="PolicyDocument"/>) is written to SECCOMP_RECORD_DIR/&lt;pid&gt;.policy for the tool.
    /// </summary>
    internal static class RecordingInstaller
    {
        public enum Outcome { NotInstalled, Installed, HandOffFailed }

        /// <summary>The tool's environment is present (both handshake fds open, the policy directory set).</summary>
        public static bool Requested(SeccompOptions options, string policy)
        {
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(RecorderHandshake.EnvDir))) return false;
            if (!RecorderHandshake.TryGetFds(out _, out _)) return false;
            if (options.CreateListener)
            {
                Note($"{policy}: not recorded by dotnet-seccomp: the application asks for its own listener (CreateListener), and a filter chain has only one");
                return false;
            }
            return true;
        }

        public static Outcome TryInstall(SeccompPolicyFacts facts, SeccompArch arch, InstallPlan plan, IReadOnlyList<BpfInstruction> planned,
            SeccompOptions options, out SeccompInstallation? installation)
        {
            installation = null;
            string policy = facts.Name;
            string? policySource = facts.PolicySource;
            if (!OperatingSystem.IsLinux()) return Outcome.NotInstalled; // seccomp is Linux's; this also tells the analyzers
            RecorderHandshake.TryGetFds(out int fdOut, out int fdIn);
            string dir = Environment.GetEnvironmentVariable(RecorderHandshake.EnvDir)!;
            var info = ArchInfo.Get(arch);
            BpfInstruction[] program;
            try
            {
                program = InstallPlanner.ForRecording(planned, info, facts.BadArchAction, fdOut, fdIn);
            }
            catch (InvalidOperationException ex)
            {
                Note($"{policy}: not recorded by dotnet-seccomp: {ex.Message}");
                return Outcome.NotInstalled;
            }
            if (program.Length > Op.MaxInstructions || BpfVerifier.Verify(program).Count > 0)
            {
                Note($"{policy}: not recorded by dotnet-seccomp: the recording program is not one the kernel accepts");
                return Outcome.NotInstalled;
            }

            // The policy's own document (its generated SeccompPolicySource) with the program planned here: one format,
            // written and read by PolicyDocument, for the tool to answer with the app's own program and rules.
            string document;
            try
            {
                document = PolicyDocument.Parse(policySource ?? throw new FormatException("the generated code gave no policy source"))
                    .WithApplied(arch, BpfInstruction.ToBytes(planned, BpfInstruction.HostBigEndian)).ToJson();
            }
            catch (FormatException ex)
            {
                Note($"{policy}: not recorded by dotnet-seccomp: its policy source cannot be read: {ex.Message}");
                return Outcome.NotInstalled;
            }
            int pid = Environment.ProcessId;
            try
            {
                // A new file only (the tool's directory is private; an existing file there is not this process's).
                using var file = new FileStream(Path.Combine(dir, pid.ToString(System.Globalization.CultureInfo.InvariantCulture) + PolicyDocument.FileExtension),
                    new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite });
                file.Write(System.Text.Encoding.UTF8.GetBytes(document));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Note($"{policy}: not recorded by dotnet-seccomp: cannot write its policy to {dir}: {ex.Message}");
                return Outcome.NotInstalled;
            }

            var flags = plan.Flags | SeccompFilterFlags.NewListener;
            if ((flags & SeccompFilterFlags.Tsync) != 0) flags |= SeccompFilterFlags.TsyncEsrch;
            byte[] bytes = BpfInstruction.ToBytes(program, BpfInstruction.HostBigEndian);
            int lockFd = RecorderHandshake.Lock();
            int rc, stage, err;
            try
            {
                RecorderHandshake.Prepare(fdOut, fdIn);
                rc = RecorderHandshake.InstallAndHandOff(bytes, (long)flags, fdOut, fdIn, lockFd, closeFds: false, out stage, out err);
            }
            finally
            {
                // After the ack (or a failure) any call is fine; the tool lets this close through unrecorded.
                RecorderHandshake.Close(lockFd);
            }
            if (rc != 0 && stage <= 2)
            {
                // Nothing installed (EBUSY: an inherited filter already has the chain's one listener).
                Note($"{policy}: not recorded by dotnet-seccomp: {RecorderHandshake.StageName(stage)} failed with errno {err}"
                    + (err == RecorderHandshake.EBUSY ? " (a filter inherited from the parent process already has a listener)" : "")
                    + "; the policy is enforced as declared");
                return Outcome.NotInstalled;
            }
            // Children of this process must not hand over again (their filter chain has this listener).
            RecorderHandshake.ClearEnvironment();
            if (rc != 0)
            {
                Note($"{policy}: the hand-over to dotnet-seccomp failed at {RecorderHandshake.StageName(stage)} (errno {err})");
                return Outcome.HandOffFailed;
            }

            var fallbacks = new List<SeccompFallback>(plan.Fallbacks)
            {
                new("the policy's denials", "USER_NOTIF answered by dotnet-seccomp (a build with SeccompAllowRecording)", true),
            };
            FallbackReporter.Report(plan.Fallbacks, options);
            Note($"{policy}: installed for dotnet-seccomp: its denials go to the tool (this build has SeccompAllowRecording)");
            installation = new SeccompInstallation(arch, program.Length, flags, fallbacks, -1);
            return Outcome.Installed;
        }

        private static void Note(string message)
        {
            try { Console.Error.WriteLine("seccomp: " + message); } catch (Exception) { }
        }
    }
}
