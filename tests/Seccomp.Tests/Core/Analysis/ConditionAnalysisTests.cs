using System.Linq;
using Seccomp.Compiler;
using Seccomp.Compiler.Analysis;
using Seccomp.Compiler.Conditions;
using Xunit;

namespace Seccomp.Tests.Analysis;

/// <summary>Constant conditions and constant parts, with the values that make them so.</summary>
public class ConditionAnalysisTests
{
    private static ConstantPart[] Find(string when, string syscall, CoreArch arch = CoreArch.X86_64)
    {
        var info = ArchInfo.Get(arch);
        var spans = new ConditionSpans();
        var expr = ConditionParser.Parse(when, out var syntax);
        Assert.Null(syntax);
        var condition = ConditionBinder.Bind(expr!, syscall, info, out var problems, spans);
        Assert.Empty(problems);
        return ConditionAnalysis.Find(new ArgumentSets(), condition!, spans, when, Signatures.Get(syscall, arch)).ToArray();
    }

    private static string Text(string when, ConstantPart p) => when.Substring(p.Span.Start, p.Span.Length);

    [Theory]
    [InlineData("fd == 1 && fd == 2", "'fd' cannot be both 1 and 2")]
    [InlineData("fd == 1 && count == 5 && fd > 5", "'fd' cannot be both 1 and above 5")]
    [InlineData("fd > 3 && fd < 7 && fd == 9", "'fd' cannot be both below 7 and 9")]
    [InlineData("fd >= 1 && fd <= 3 && fd != 1 && fd != 2 && fd != 3", "'fd' cannot be at least 1, at most 3, other than 1, other than 2 and other than 3 at once")]
    [InlineData("count < 0", "'size_t count' is unsigned, never below 0")]
    [InlineData("fd < 0 && count == 1", "'unsigned int fd' is unsigned, never below 0")]
    public void NeverTrue_SaysWhichValues(string when, string reason)
    {
        var part = Assert.Single(Find(when, "read"));
        Assert.False(part.AlwaysTrue);
        Assert.True(part.IsWhole);
        Assert.Equal(reason, part.Reason);
    }

    [Fact]
    public void NeverTrue_InListsAndMasks()
    {
        Assert.Equal("'family' cannot be both one of (AF_INET, AF_INET6) and AF_UNIX",
            Assert.Single(Find("family in (AF_INET, AF_INET6) && family == AF_UNIX", "socket")).Reason);
        Assert.Equal("'flags & 0x10' has no bits outside 0x10, and 0x20 (0x20) has",
            Assert.Single(Find("(flags & 0x10) == 0x20", "openat")).Reason);
        Assert.Equal("'flags & O_ACCMODE' cannot be both O_RDONLY and O_WRONLY",
            Assert.Single(Find("(flags & O_ACCMODE) == O_RDONLY && (flags & O_ACCMODE) == O_WRONLY", "openat")).Reason);
        Assert.Equal("'flags & O_CREAT' and 'flags == 0' exclude each other",
            Assert.Single(Find("flags & O_CREAT && flags == 0", "openat")).Reason);
    }

    [Theory]
    [InlineData("count >= 0", "'size_t count' is unsigned, never below 0")]
    [InlineData("fd < 5 || fd >= 3", "every value of 'fd' is below 5 or at least 3")]
    [InlineData("fd <= 0xffffffff", "every value of 'unsigned int fd' (0..0xffffffff) satisfies it")]
    [InlineData("!(fd == 1 && fd == 2)", "'fd' cannot be both 1 and 2")]
    [InlineData("fd != 1 || count == 0 || fd != 2", "every value of 'fd' is other than 1 or other than 2")]
    public void AlwaysTrue_SaysWhy(string when, string reason)
    {
        var part = Assert.Single(Find(when, "read"));
        Assert.True(part.AlwaysTrue);
        Assert.True(part.IsWhole);
        Assert.Equal(reason, part.Reason);
    }

    [Fact]
    public void ConstantParts_AreTheLargestOnes_AtTheirCharacters()
    {
        const string when = "fd == 3 || (count < 0 && fd == 4) || (fd == 5 && (count >= 0 || fd == 9))";
        var parts = Find(when, "read");
        Assert.Equal(2, parts.Length);
        Assert.Equal("count < 0 && fd == 4", Text(when, parts[0]));
        Assert.False(parts[0].AlwaysTrue);
        Assert.False(parts[0].IsWhole);
        Assert.Equal("'size_t count' is unsigned, never below 0", parts[0].Reason);
        Assert.Equal("count >= 0 || fd == 9", Text(when, parts[1]));
        Assert.True(parts[1].AlwaysTrue);
    }

    [Theory]
    [InlineData("fd == 1 || fd == 2")]
    [InlineData("fd == 1 && count == 2")]
    [InlineData("(fd & 0x30) == 0x20")]
    [InlineData("fd > 0xfffffffe")]
    public void SatisfiableAndRestrictive_NothingToReport(string when) => Assert.Empty(Find(when, "read"));

    [Fact]
    public void PerArchitectureConstants()
    {
        // O_DIRECT is 0x4000 on x86_64 and 0x10000 on aarch64: the mask excludes it only on aarch64.
        const string when = "(flags & 0x4000) == O_DIRECT";
        Assert.Empty(Find(when, "openat", CoreArch.X86_64));
        Assert.False(Assert.Single(Find(when, "openat", CoreArch.Aarch64)).AlwaysTrue);
    }
}
