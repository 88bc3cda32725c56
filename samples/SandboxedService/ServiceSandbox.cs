using Seccomp;

namespace SandboxedService;

/// <summary>
/// What this service may do. Anything else fails with EPERM, so the service sees an error it can log, not a crash.
/// </summary>
[SeccompPolicy(DefaultAction = SeccompAction.Errno, Architectures = new[] { SeccompArch.X86_64, SeccompArch.Aarch64 })]
[Allow("@dotnet-runtime")]                                              // what the CLR itself needs
[Allow("accept4", "bind", "listen", "getsockname", "getpeername", "getsockopt",
       "recvfrom", "sendto", "recvmsg", "sendmsg", "shutdown")]
[Allow("socket", When = "domain in (AF_UNIX, AF_INET, AF_INET6) && ((type & 0xf) == SOCK_STREAM || (type & 0xf) == SOCK_DGRAM)")] // no raw or packet sockets
[Allow("setsockopt", When = "level in (SOL_SOCKET, IPPROTO_TCP)")]   // socket options, not raw IP ones
[Deny("execve", "execveat", Errno = Errno.EACCES)]                     // never start another program
[Kill("ptrace", "process_vm_writev")]                                  // an attack, not a bug: stop the process
[Log("connect")]                                                       // allowed, and audited
internal static partial class ServiceSandbox;
