using System;
using System.IO;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Seccomp;
using SandboxedService;

// First statement: from here on, every thread of this process runs under the policy.
ServiceSandbox.Apply();
var arch = SeccompLoader.CurrentArchitecture!.Value;
Console.WriteLine($"sandbox: {ServiceSandbox.GetProgram(arch)} installed on every thread (TSYNC)");

// Allowed: reading a file, a TCP socket.
Console.WriteLine($"allowed: read /proc/self/status ({File.ReadAllText("/proc/self/status").Length} bytes)");
using (var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
    Console.WriteLine($"allowed: socket(AF_INET, SOCK_STREAM) = fd {tcp.Handle}");

// Denied: a packet socket (the condition on socket's domain excludes AF_PACKET) fails with EPERM, the default.
int fd = Libc.socket(17 /* AF_PACKET */, 3 /* SOCK_RAW */, 0);
Console.WriteLine($"denied:  socket(AF_PACKET, SOCK_RAW) = {fd}, errno {Marshal.GetLastPInvokeError()} (EPERM is 1)");

// Denied: starting a program fails with EACCES, as the Deny rule says; the process goes on.
int rc = Libc.execve("/bin/true", new[] { "/bin/true", null }, new string?[] { null });
Console.WriteLine($"denied:  execve(/bin/true) = {rc}, errno {Marshal.GetLastPInvokeError()} (EACCES is 13)");

// The same program run by the built-in interpreter: what the kernel answers for any call.
Console.WriteLine($"evaluate: socket(AF_INET)={ServiceSandbox.Evaluate(arch, "socket", 2)} socket(AF_PACKET)={ServiceSandbox.Evaluate(arch, "socket", 17)} "
    + $"execve={ServiceSandbox.Evaluate(arch, "execve")} ptrace={ServiceSandbox.Evaluate(arch, "ptrace")} connect={ServiceSandbox.Evaluate(arch, "connect")}");
return fd == -1 && rc == -1 ? 0 : 1;

internal static partial class Libc
{
    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    internal static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "execve", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int execve(string path, string?[] argv, string?[] envp);
}
