// Startup hook of `dotnet-seccomp record`: installs a seccomp USER_NOTIF filter in the current .NET process and
// hands the listener fd to the recording supervisor (the tool). BCL only, no other dependencies. The environment
// contract, the hello and the deadlock rule are in RecorderHandshake.cs (shared with the runtime's loader).
//
// An entry assembly built with SeccompAllowRecording (generated [assembly: AssemblyMetadata("Seccomp.RecordingAllowed",
// policy)]) records itself: its Apply() installs its own policy with every denial sent to the tool. The kernel allows
// one listener per filter chain, so the hook then installs nothing and leaves the environment to Apply().

using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using Seccomp.Common;
using Seccomp.Recording;

public static unsafe class StartupHook
{
    public static void Initialize()
    {
        string? programPath = Environment.GetEnvironmentVariable(RecorderHandshake.EnvProgram);
        if (string.IsNullOrEmpty(programPath))
            return; // not under the recorder

        string? ownPolicy = OwnPolicy();
        if (ownPolicy != null)
        {
            Log($"the app records through its own policy {ownPolicy} (built with SeccompAllowRecording): no recorder filter");
            return;
        }

        // Whatever happens, children of this process must not try again (managed env only;
        // native-spawned children are covered by the Seccomp_filters check).
        int fdOut = RecorderHandshake.ParseFd(Environment.GetEnvironmentVariable(RecorderHandshake.EnvFdOut));
        int fdIn = RecorderHandshake.ParseFd(Environment.GetEnvironmentVariable(RecorderHandshake.EnvFdIn));
        int baseFilters = RecorderHandshake.ParseFd(Environment.GetEnvironmentVariable(RecorderHandshake.EnvBaseFilters));
        string? digest = Environment.GetEnvironmentVariable(RecorderHandshake.EnvProgramDigest);
        string? pidSlots = Environment.GetEnvironmentVariable(RecorderHandshake.EnvProgramPidSlots);
        int lockFd = RecorderHandshake.Lock();
        RecorderHandshake.ClearEnvironment();

        try
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
                return;
            if (fdOut < 0 || fdIn < 0)
            {
                Log("missing handshake fds; not recording");
                return;
            }

            int currentFilters = SeccompStatus.SelfFilterCount();
            if (baseFilters >= 0 && currentFilters > baseFilters)
            {
                // An ancestor (recorded .NET parent) already installed the filter; it is inherited and its
                // notifications already go to the supervisor. Do not install a second one.
                return;
            }
            if (HostArchitecture.SeccompSyscallNumber < 0)
            {
                Log($"unsupported architecture {RuntimeInformation.ProcessArchitecture}; not recording");
                return;
            }

            byte[] program;
            try
            {
                // The tool's private directory (0700) holds it; a link there is not the tool's doing.
                if (new FileInfo(programPath).LinkTarget != null)
                    throw new IOException("it is a symbolic link");
                program = File.ReadAllBytes(programPath);
            }
            catch (Exception e)
            {
                Log($"cannot read {programPath}: {e.Message}; not recording");
                RecorderHandshake.SendRefusal(fdOut, RecorderHandshake.EBADMSG);
                return;
            }
            // Install exactly what the tool made, or nothing: the digest travels in the environment, the bytes in a file.
            string actual = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(program));
            if (digest == null || !string.Equals(actual, digest, StringComparison.OrdinalIgnoreCase))
            {
                Log($"the recorder's filter {programPath} is not the one dotnet-seccomp wrote (SHA-256 {actual}, expected {digest ?? "none"}); not recording");
                RecorderHandshake.SendRefusal(fdOut, RecorderHandshake.EBADMSG);
                return;
            }
            if (program.Length == 0 || program.Length % 8 != 0 || program.Length / 8 > 4096)
            {
                Log($"invalid BPF program length {program.Length}");
                return;
            }
            // @dotnet-runtime's tgkill and kill reach this process only: the tool compiled a placeholder where this
            // process's pid goes, as Apply() does for a generated policy. Without it every such call would be recorded.
            if (!string.IsNullOrEmpty(pidSlots))
            {
                string? problem = null;
                int[] slots = Array.Empty<int>();
                try { slots = pidSlots.Split(',').Select(x => int.Parse(x, System.Globalization.CultureInfo.InvariantCulture)).ToArray(); }
                catch (FormatException) { problem = $"{RecorderHandshake.EnvProgramPidSlots} is not a list of numbers"; }
                catch (OverflowException) { problem = $"{RecorderHandshake.EnvProgramPidSlots} is not a list of numbers"; }
                byte[]? patched = problem == null ? Seccomp.ProcessId.Patch(program, slots, out problem) : null;
                if (patched == null)
                {
                    Log($"cannot write this process's pid into the recorder's filter: {problem}; not recording");
                    RecorderHandshake.SendRefusal(fdOut, RecorderHandshake.EBADMSG);
                    return;
                }
                program = patched;
            }

            RecorderHandshake.Prepare(fdOut, fdIn);
            long flags = RecorderHandshake.SECCOMP_FILTER_FLAG_TSYNC | RecorderHandshake.SECCOMP_FILTER_FLAG_NEW_LISTENER
                | RecorderHandshake.SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
            int rc = RecorderHandshake.InstallAndHandOff(program, flags, fdOut, fdIn, lockFd, closeFds: true, out int stage, out int err);

            // From here on the supervisor owns the listener (or installation failed): any syscall is fine.
            if (rc != 0)
                Log($"seccomp recorder setup failed at {RecorderHandshake.StageName(stage)}: errno {err} ({Marshal.GetPInvokeErrorMessage(err)})");
        }
        finally
        {
            RecorderHandshake.Close(lockFd);
        }
    }

    /// <summary>The policy the entry assembly records itself with, or null.</summary>
    private static string? OwnPolicy()
    {
        try
        {
            return Assembly.GetEntryAssembly()?.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == RecorderHandshake.RecordingAllowedMetadata)?.Value;
        }
        catch (Exception)
        {
            return null;
        }
    }

    private static void Log(string message)
    {
        try { Console.Error.WriteLine($"[dotnet-seccomp hook] {message}"); } catch (Exception) { }
    }
}
