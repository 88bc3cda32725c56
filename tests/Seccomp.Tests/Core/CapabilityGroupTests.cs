using System;
using Seccomp.Compiler;
using Seccomp.Compiler.Policy;
using Seccomp.Tests.Support;
using Xunit;

namespace Seccomp.Tests;

/// <summary>
/// Issue 19, item 2: the capability groups' narrowings, evaluated in the generated program (x86_64): what the API
/// matrix measured is allowed, what it never asked for is not (the kernel tests, ApiMatrixTests, show the first half
/// on the real kernel).
/// </summary>
public class CapabilityGroupTests
{
    private const ulong AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, AF_NETLINK = 16, AF_PACKET = 17;
    private const ulong SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_CLOEXEC = 0x80000, SOCK_NONBLOCK = 0x800;
    private const ulong SOL_IP = 0, SOL_SOCKET = 1, IPPROTO_TCP = 6, IPPROTO_IPV6 = 41, SOL_PACKET = 263, SOL_NETLINK = 270;

    private static string Answer(string group, string syscall, params ulong[] args)
    {
        var model = new PolicyModel(CoreVerdict.KillProcess, CoreVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
            EquatableArray.From(new[] { CoreArch.X86_64 }),
            EquatableArray.From(new[] { new RuleModel(0, CoreVerdict.Allow, EquatableArray.From(new[] { "@dotnet-runtime", group }), null) }));
        var program = PropertyTests.CompileProgram(model, CoreArch.X86_64);
        Assert.True(ArchInfo.Get(CoreArch.X86_64).TryGetNumber(syscall, out int nr), syscall);
        return program.Run(nr, args).ToString();
    }

    [Theory]
    [InlineData("rename")]
    [InlineData("link")]
    [InlineData("symlink")]
    [InlineData("rmdir")]
    [InlineData("chmod")]
    [InlineData("utimensat")]
    [InlineData("copy_file_range")]
    [InlineData("inotify_add_watch")]
    [InlineData("msync")]
    public void FileSystemAllowsWhatSystemIoCalls(string syscall) => Assert.Equal("ALLOW", Answer("@file-system", syscall));

    [Fact]
    public void FileSystemAllowsTheReflinkIoctlAndPreallocationOnly()
    {
        Assert.Equal("ALLOW", Answer("@file-system", "ioctl", 3, 0x40049409, 4));          // FICLONE
        Assert.Equal("KILL_PROCESS", Answer("@file-system", "ioctl", 3, 0x4008941a, 4));   // BTRFS_IOC_SNAP_CREATE_V2-like: no
        Assert.Equal("ALLOW", Answer("@file-system", "fallocate", 3, 1, 0, 4096));          // FALLOC_FL_KEEP_SIZE
        Assert.Equal("ALLOW", Answer("@file-system", "fallocate", 3, 0, 0, 4096));
        Assert.Equal("KILL_PROCESS", Answer("@file-system", "fallocate", 3, 3, 0, 4096));   // PUNCH_HOLE | KEEP_SIZE
        Assert.Equal("KILL_PROCESS", Answer("@file-system", "connect"));
    }

    [Fact]
    public void SqliteAddsFchownOnly()
    {
        Assert.Equal("ALLOW", Answer("@sqlite", "fchown", 3, 0, 0));
        Assert.Equal("KILL_PROCESS", Answer("@sqlite", "chown"));
        Assert.Equal("KILL_PROCESS", Answer("@sqlite", "rename"));
    }

    [Fact]
    public void HttpClientNarrowsSocketsToTheFamiliesAndLevelsItMeasured()
    {
        foreach (var family in new[] { AF_UNIX, AF_INET, AF_INET6 })
        {
            Assert.Equal("ALLOW", Answer("@http-client", "socket", family, SOCK_STREAM | SOCK_CLOEXEC, 0));
            Assert.Equal("ALLOW", Answer("@http-client", "socket", family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
            Assert.Equal("KILL_PROCESS", Answer("@http-client", "socket", family, SOCK_RAW | SOCK_CLOEXEC, 0));
        }
        Assert.Equal("ALLOW", Answer("@http-client", "socket", AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0));     // NETLINK_ROUTE
        Assert.Equal("KILL_PROCESS", Answer("@http-client", "socket", AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 9)); // NETLINK_AUDIT
        Assert.Equal("KILL_PROCESS", Answer("@http-client", "socket", AF_PACKET, SOCK_RAW, 0));
        foreach (var level in new[] { SOL_IP, SOL_SOCKET, IPPROTO_TCP, IPPROTO_IPV6 })
            Assert.Equal("ALLOW", Answer("@http-client", "setsockopt", 3, level, 1, 0, 4));
        Assert.Equal("KILL_PROCESS", Answer("@http-client", "setsockopt", 3, SOL_PACKET, 1, 0, 4));
        Assert.Equal("KILL_PROCESS", Answer("@http-client", "getsockopt", 3, SOL_NETLINK, 1, 0, 0));
        Assert.Equal("ALLOW", Answer("@http-client", "connect"));
        Assert.Equal("ALLOW", Answer("@http-client", "sendmmsg"));
        Assert.Equal("KILL_PROCESS", Answer("@http-client", "listen"));
        Assert.Equal("KILL_PROCESS", Answer("@http-client", "accept4"));
    }

    [Fact]
    public void AspNetCoreServesButDoesNotConnect()
    {
        Assert.Equal("ALLOW", Answer("@aspnetcore", "sendmsg"));
        Assert.Equal("ALLOW", Answer("@aspnetcore", "accept4"));
        Assert.Equal("KILL_PROCESS", Answer("@aspnetcore", "connect"));
        Assert.Equal("KILL_PROCESS", Answer("@aspnetcore", "socket", AF_PACKET, SOCK_RAW, 0));
    }
}
