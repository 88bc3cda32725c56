using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Seccomp.Common;
using Seccomp.Common.Conditions;
using Seccomp.Common.Tables;
using Xunit;

namespace Seccomp.Tests;

/// <summary>
/// How an in-process report writes a denied call's arguments (SeccompViolation.DecodedArguments): with the condition
/// language's constant names. Checked by reading every written argument back: each name through the constant table,
/// each number as a number, must give the register's value as the kernel reads it at the parameter's width.
/// </summary>
public class ReportArgumentTests
{
    [Fact]
    public void EveryCallOnEveryArchitectureReadsBackToItsRegisters()
    {
        var rng = new Random(2026);
        int calls = 0, named = 0;
        foreach (var arch in ArchInfo.All)
        {
            var constants = Constants.Names(arch.Arch).Select(n => Constants.TryGet(arch.Arch, n, out long v) ? unchecked((ulong)v) : 0).ToArray();
            foreach (var (name, _) in arch.Syscalls)
            {
                var parameters = Signatures.Get(name, arch.Arch);
                for (int k = 0; k < 40; k++)
                {
                    var args = new ulong[6];
                    for (int i = 0; i < 6; i++) args[i] = RandomValue(rng, constants);
                    string text = ArgumentNames.Call(arch, name, args);
                    calls++;
                    Assert.StartsWith(name + "(", text);
                    Assert.EndsWith(")", text);
                    string inner = text.Substring(name.Length + 1, text.Length - name.Length - 2);
                    var written = inner.Length == 0 ? Array.Empty<string>() : inner.Split(", ");
                    if (parameters != null) Assert.Equal(Math.Min(parameters.Count, 6), written.Length);
                    for (int i = 0; i < written.Length; i++)
                    {
                        ulong width = parameters != null ? parameters[i].Type.WidthMask : ulong.MaxValue;
                        ulong expected = args[i] & width;
                        ulong read = ReadBack(arch, written[i], ref named) & width;
                        if (read != expected)
                            Assert.Fail($"{arch.Name} {text}: argument {i} \"{written[i]}\" reads 0x{read:x}, the register holds 0x{expected:x} (width 0x{width:x})");
                    }
                    // Without a prototype, trailing zero registers are left out: those written are the rest.
                    if (parameters == null)
                        for (int i = written.Length; i < 6; i++) Assert.Equal(0UL, args[i]);
                }
            }
        }
        Assert.True(calls > 40 * 900, $"{calls} calls");
        Assert.True(named > calls / 20, $"{named} named arguments in {calls} calls"); // names, not just numbers (most random registers name nothing)
    }

    [Theory]
    [InlineData("socket", new ulong[] { 10, 0x80001, 6 }, "socket(AF_INET6, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP)")]
    [InlineData("socket", new ulong[] { 16, 0x80003, 0 }, "socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, 0)")]
    [InlineData("openat", new ulong[] { 0xFFFFFF9C, 0x7ffd12340000, 0x80002, 0 }, "openat(AT_FDCWD, 0x7ffd12340000, O_RDWR|O_CLOEXEC, 0)")]
    [InlineData("setsockopt", new ulong[] { 3, 1, 2, 0x7ffc00001000, 4 }, "setsockopt(3, SOL_SOCKET, SO_REUSEADDR, 0x7ffc00001000, 4)")]
    [InlineData("setsockopt", new ulong[] { 3, 0, 11, 0x7ffc00001000, 4 }, "setsockopt(3, IPPROTO_IP, 11, 0x7ffc00001000, 4)")]
    [InlineData("kill", new ulong[] { 0xFFFFFFFF, 9 }, "kill(-1, SIGKILL)")]
    [InlineData("mmap", new ulong[] { 0, 4096, 7, 0x22, 0xFFFFFFFF, 0 }, "mmap(0, 4096, PROT_EXEC|PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, 0xffffffff, 0)")]
    [InlineData("clone", new ulong[] { 0x1200011, 0, 0, 0x7f0000001000, 0 }, "clone(SIGCHLD|CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID, 0, NULL, 0x7f0000001000, 0)")]
    [InlineData("getpgid", new ulong[] { 0 }, "getpgid(0)")]
    public void CommonCallsOnX86_64ReadAsTheirConditionsWouldBeWritten(string name, ulong[] registers, string expected)
    {
        var args = new ulong[6];
        registers.CopyTo(args, 0);
        Assert.Equal(expected, ArgumentNames.Call(ArchInfo.Get(SeccompArch.X86_64), name, args));
    }

    /// <summary>Numbers the table does not name (a syscall this release does not know) are the six registers, trailing zeros left out.</summary>
    [Fact]
    public void ACallWithoutAPrototypeShowsItsRegisters()
    {
        var args = new ulong[] { 1, 0xFFFFFF9C, 0x7ffd12340000, 0, 0, 0 };
        Assert.Equal("syscall_999(1, 0xffffff9c, 0x7ffd12340000)", ArgumentNames.Call(ArchInfo.Get(SeccompArch.X86_64), "syscall_999", args));
    }

    private static ulong RandomValue(Random rng, ulong[] constants)
    {
        switch (rng.Next(6))
        {
            case 0: return (ulong)rng.Next(4096);
            case 1: return constants[rng.Next(constants.Length)];
            case 2: return constants[rng.Next(constants.Length)] | constants[rng.Next(constants.Length)];
            case 3: return unchecked((ulong)(long)-rng.Next(1, 200));
            case 4: return 0xFFFFFF00u | (uint)rng.Next(256);
            default: return unchecked((ulong)rng.NextInt64());
        }
    }

    /// <summary>A written argument's value: NULL, a (signed) decimal, 0x hex, or constant names and hex joined by |.</summary>
    private static ulong ReadBack(ArchInfo arch, string text, ref int named)
    {
        if (text == "NULL") return 0;
        if (text.StartsWith("-", StringComparison.Ordinal)) return unchecked((ulong)long.Parse(text, CultureInfo.InvariantCulture));
        ulong value = 0;
        bool anyName = false;
        foreach (var part in text.Split('|'))
        {
            if (part.StartsWith("0x", StringComparison.Ordinal)) value |= ulong.Parse(part.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            else if (char.IsDigit(part[0])) value |= ulong.Parse(part, CultureInfo.InvariantCulture);
            else
            {
                Assert.True(Constants.TryGet(arch.Arch, part, out long v), $"{arch.Name}: \"{part}\" (in \"{text}\") is not a constant of the condition language");
                value |= unchecked((ulong)v);
                anyName = true;
            }
        }
        if (anyName) named++;
        return value;
    }
}
