namespace Seccomp.Tests.Support;

/// <summary>
/// Tests that read the kernel log, and tests that write many lines to it (every KILL_THREAD is logged, through
/// printk's rate limit): not at the same time, or the readers miss their lines.
/// </summary>
[Xunit.CollectionDefinition(Name)]
public sealed class KernelLogCollection
{
    public const string Name = "Kernel log";
}
