using System;
using Seccomp.Compiler.Diagnostics;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Seccomp.Compiler;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Policy;
using Seccomp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Seccomp.Tests;

/// <summary>The condition language: typed semantics, errors on the exact characters, and a parser that never crashes.</summary>
public class ConditionTests
{
    private readonly ITestOutputHelper _out;

    public ConditionTests(ITestOutputHelper output) => _out = output;

    private static Condition Bind(string when, string syscall, CoreArch arch = CoreArch.X86_64)
    {
        var c = ConditionBinder.Bind(when, syscall, ArchInfo.Get(arch), out var problems);
        Assert.True(problems.Count == 0, string.Join("; ", problems.Select(p => p.Message)));
        return c!;
    }

    private static bool Holds(string when, string syscall, params ulong[] args) =>
        ReferenceEvaluator.Holds(Bind(when, syscall), args.Concat(new ulong[6]).Take(6).ToArray());

    [Fact]
    public void ThirtyTwoBitArgumentsCompareTheLowWordOnly()
    {
        Assert.True(Holds("dfd == AT_FDCWD", "openat", 0xffff_ffff_ffff_ff9c));
        Assert.True(Holds("dfd == AT_FDCWD", "openat", 0x0000_0000_ffff_ff9c));
        Assert.True(Holds("dfd == -100", "openat", 0xdead_beef_ffff_ff9c));
        Assert.False(Holds("dfd == AT_FDCWD", "openat", 0xffff_ff9c_0000_0000));
    }

    [Fact]
    public void SixtyFourBitArgumentsCompareBothWords()
    {
        Assert.True(Holds("len == 0x100000001", "mmap", 0, 0x1_0000_0001));
        Assert.False(Holds("len == 0x100000001", "mmap", 0, 0x0_0000_0001));
        Assert.False(Holds("len == 1", "mmap", 0, 0x1_0000_0001));
    }

    [Fact]
    public void OrderingFollowsTheCTypesSignedness()
    {
        // pid_t is signed: -1 < 0. size_t is unsigned: nothing is below 0.
        Assert.True(Holds("pid < 0", "kill", unchecked((ulong)-1)));
        Assert.False(Holds("pid < 0", "kill", 5));
        Assert.False(Holds("count > 0x7fffffffffffffff", "read", 0, 0, 5));
        Assert.True(Holds("count > 0x7fffffffffffffff", "read", 0, 0, 0x8000_0000_0000_0000));
        // loff_t is signed 64-bit.
        Assert.True(Holds("offset < 0", "lseek", 0, 0x8000_0000_0000_0000));
        // unsigned int: 0xffffffff is large, not -1.
        Assert.True(Holds("cmd > 5", "ioctl", 0, 0xffff_ffff));
        // int: 0xffffffff is -1.
        Assert.False(Holds("flags > 5", "openat", 0, 0, 0xffff_ffff));
    }

    [Fact]
    public void MasksInListsAndConstantCombinations()
    {
        Assert.True(Holds("(flags & O_ACCMODE) == O_RDONLY", "openat", 0, 0, 0x80000));
        Assert.False(Holds("(flags & O_ACCMODE) == O_RDONLY", "openat", 0, 0, 2));
        Assert.True(Holds("flags & (O_CREAT | O_TRUNC)", "openat", 0, 0, 0x200));
        Assert.True(Holds("domain in (AF_UNIX, AF_INET, AF_INET6)", "socket", 10));
        Assert.False(Holds("domain in (AF_UNIX, AF_INET, AF_INET6)", "socket", 17));
        Assert.True(Holds("!(clone_flags & CLONE_NEWUSER)", "clone", 0x100));
        Assert.True(Holds("0 < fd && fd <= 2", "write", 1));
    }

    [Fact]
    public void ConstantsTakeEachArchitecturesValue()
    {
        var x86 = (CompareCondition)Bind("flags & O_DIRECTORY", "openat", CoreArch.X86_64);
        var arm = (CompareCondition)Bind("flags & O_DIRECTORY", "openat", CoreArch.Aarch64);
        Assert.Equal(0x10000UL, x86.Mask);
        Assert.Equal(0x4000UL, arm.Mask);
    }

    public static IEnumerable<object[]> Errors() => new[]
    {
        new object[] { "fd == ", "==", DiagnosticIds.ConditionSyntax, "write", "" },
        new object[] { "fd = 1", "=", DiagnosticIds.ConditionSyntax, "write", "=" },
        new object[] { "fd == 1 &&", "&&", DiagnosticIds.ConditionSyntax, "write", "" },
        new object[] { "(fd == 1", "", DiagnosticIds.ConditionSyntax, "write", "" },
        new object[] { "fd == 0x", "0x", DiagnosticIds.ConditionSyntax, "write", "0x" },
        new object[] { "fd == 09", "09", DiagnosticIds.ConditionSyntax, "write", "09" },
        new object[] { "fd == 1 $", "$", DiagnosticIds.ConditionSyntax, "write", "$" },
        new object[] { "fdd == 1", "fdd", DiagnosticIds.ConditionUnknownName, "write", "fdd" },
        new object[] { "fd == O_RDONLYY", "O_RDONLYY", DiagnosticIds.ConditionUnknownName, "write", "O_RDONLYY" },
        new object[] { "arg5 == 1", "arg5", DiagnosticIds.ConditionUnknownName, "write", "arg5" },
        new object[] { "fd == 0x100000000", "0x100000000", DiagnosticIds.ConditionOutOfRange, "write", "0x100000000" },
        new object[] { "count == -1", "-1", DiagnosticIds.ConditionOutOfRange, "read", "-1" },
        new object[] { "buf == 5", "buf", DiagnosticIds.ConditionPointer, "read", "buf" },
        new object[] { "buf & 1", "buf", DiagnosticIds.ConditionPointer, "read", "buf & 1" },
        new object[] { "fd == count", "", DiagnosticIds.ConditionType, "read", "fd == count" },
        new object[] { "fd | 1", "|", DiagnosticIds.ConditionType, "read", "|" },
        new object[] { "fd", "fd", DiagnosticIds.ConditionType, "read", "fd" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void EveryErrorIsLocatedOnItsCharacters(string when, string _, string id, string syscall, string expectedText)
    {
        var rule = new RuleModel(0, CoreVerdict.Allow, EquatableArray.From(new[] { syscall }), when);
        var model = new PolicyModel(CoreVerdict.Errno(1), CoreVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
            EquatableArray.From(new[] { CoreArch.X86_64 }), EquatableArray.From(new[] { rule }));
        var e = Assert.Single(PolicyCompiler.Compile(model).Errors);
        Assert.Equal(id, e.Id);
        Assert.Equal(LocationSite.Condition, e.Location.Site);
        Assert.Equal(expectedText, when.Substring(e.Location.Start, e.Location.Length));
    }

    [Theory]
    [InlineData("regular", "\"fd == O_RDONLYY\"", "O_RDONLYY")]
    [InlineData("escaped", "\"fd \\x3d= O_RDONLYY\"", "O_RDONLYY")]
    [InlineData("escape in the name", "\"fd == O_\\u0052DONLYY\"", "O_\\u0052DONLYY")]
    [InlineData("verbatim", "@\"fd == O_RDONLYY\"", "O_RDONLYY")]
    [InlineData("verbatim doubled quote", "@\"fd == \"\" || fd == O_RDONLYY\"", "\"\"")]
    [InlineData("raw", "\"\"\"fd == O_RDONLYY\"\"\"", "O_RDONLYY")]
    [InlineData("multi-line raw", "\"\"\"\n        fd == 1 ||\n        fd == O_RDONLYY\n        \"\"\"", "O_RDONLYY")]
    [InlineData("multi-line raw, CRLF and a blank line", "\"\"\"\r\n        fd == 1 ||\r\n\r\n        fd == O_RDONLYY\r\n        \"\"\"", "O_RDONLYY")]
    public void DiagnosticsPointIntoEveryKindOfStringLiteral(string kind, string literal, string expected)
    {
        string source = $$"""
            using Seccomp;
            [SeccompPolicy(Architectures = new[] { SeccompArch.X86_64 })]
            [Allow("write", When = {{literal}})]
            static partial class P;
            """;
        var diagnostics = GeneratorHarness.Analyze(source).Where(d => d.Id.StartsWith("SECC002")).ToArray();
        var d = Assert.Single(diagnostics.Where(x => x.Id == DiagnosticIds.ConditionUnknownName || x.Id == DiagnosticIds.ConditionSyntax).Take(1));
        var text = source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length);
        _out.WriteLine($"{kind}: {d.Id} on '{text}': {d.GetMessage()}");
        Assert.Equal(expected, text);
    }

    [Fact]
    public void APolicyWithErrorsGeneratesNoProgramAndFailsClosed()
    {
        const string source = """
            using Seccomp;
            [SeccompPolicy(Architectures = new[] { SeccompArch.X86_64 })]
            [Allow("write", When = "fd == nope")]
            public static partial class Broken;
            """;
        var generated = Assert.Single(GeneratorHarness.Generate(source));
        Assert.DoesNotContain("X86_64Program", generated);
        var type = GeneratorHarness.CompileAndLoad(source).GetType("Broken")!;
        var args = new object?[] { null };
        Assert.False((bool)type.GetMethod("TryApply", new[] { typeof(SeccompError).MakeByRefType() })!.Invoke(null, args)!);
        var error = (SeccompError)args[0]!;
        Assert.Equal(SeccompStep.Validate, error.Step);
        Assert.Contains("SECC0021", error.Message);
    }

    /// <summary>Conditions the fuzzer starts from and mutates.</summary>
    private static readonly string[] Seeds =
    {
        "domain in (AF_UNIX, AF_INET, AF_INET6)", "(flags & O_ACCMODE) == O_RDONLY && dfd == AT_FDCWD",
        "!(clone_flags & CLONE_NEWUSER) || clone_flags == 0x11", "fd >= 0 && fd < 3 || -1 == fd",
        "arg0 & (0x10 | 0b11) ", "count <= 0777 && count > 0x10", "cmd == FIONBIO || cmd == TCGETS",
    };

    [Fact]
    public void TheParserNeverCrashesAndAlwaysLocatesItsErrors()
    {
        var rng = new Random(12345);
        var arch = ArchInfo.Get(CoreArch.X86_64);
        string alphabet = "()!&|=<>,- _0123456789abcdefxXoOABCDEFGHIJKLMNOPQRSTUVWXYZ\"\\\t\n$";
        var inputs = new List<string>();
        foreach (var seed in Seeds)
            for (int i = 0; i <= seed.Length; i++)
                inputs.Add(seed[..i]); // every prefix
        for (int i = 0; i < 6000; i++)
        {
            var s = Seeds[rng.Next(Seeds.Length)].ToCharArray().ToList();
            int edits = rng.Next(1, 5);
            for (int e = 0; e < edits; e++)
            {
                int at = rng.Next(s.Count + 1);
                switch (rng.Next(3))
                {
                    case 0: s.Insert(at, alphabet[rng.Next(alphabet.Length)]); break;
                    case 1: if (at < s.Count) s.RemoveAt(at); break;
                    default: if (at < s.Count) s[at] = alphabet[rng.Next(alphabet.Length)]; break;
                }
            }
            inputs.Add(new string(s.ToArray()));
        }
        for (int i = 0; i < 2000; i++)
            inputs.Add(new string(Enumerable.Range(0, rng.Next(0, 30)).Select(_ => alphabet[rng.Next(alphabet.Length)]).ToArray()));

        int programs = 0, diagnostics = 0;
        foreach (var when in inputs)
        {
            foreach (var syscall in new[] { "openat", "socket", "clone", "ioctl", "read" })
            {
                var c = ConditionBinder.Bind(when, syscall, arch, out var problems);
                if (c != null)
                {
                    Assert.Empty(problems);
                    // It compiles to a verified program.
                    var model = new PolicyModel(CoreVerdict.Errno(1), CoreVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
                        EquatableArray.From(new[] { CoreArch.X86_64 }), EquatableArray.From(new[] { new RuleModel(0, CoreVerdict.Allow, EquatableArray.From(new[] { syscall }), when) }));
                    Assert.Single(PolicyCompiler.Compile(model).Programs);
                    programs++;
                }
                else
                {
                    Assert.NotEmpty(problems);
                    foreach (var p in problems)
                    {
                        Assert.StartsWith("SECC", p.Id);
                        Assert.False(string.IsNullOrWhiteSpace(p.Message));
                        Assert.InRange(p.Span.Start, 0, when.Length);
                        Assert.InRange(p.Span.End, p.Span.Start, when.Length);
                    }
                    diagnostics++;
                }
            }
        }
        _out.WriteLine($"{inputs.Count} inputs: {programs} programs, {diagnostics} located diagnostics");
        Assert.True(programs > 300 && diagnostics > 1000);
    }

    [Fact]
    public void UmodeTIsSixteenBitsAsTheKernelCastsIt()
    {
        var arch = ArchInfo.Get(CoreArch.X86_64);
        var c = ConditionBinder.Bind("mode == 04755", "fchmod", arch, out _)!;
        // The kernel sees (umode_t)0x109ed == 04755: bits above 15 cannot dodge the rule.
        Assert.True(ReferenceEvaluator.Holds(c, new ulong[] { 3, 0x10000 | 0x9ed, 0, 0, 0, 0 }));
        ConditionBinder.Bind("mode == 0x10000", "fchmod", arch, out var problems);
        Assert.Equal(DiagnosticIds.ConditionOutOfRange, Assert.Single(problems).Id);

        var model = new PolicyModel(CoreVerdict.Allow, CoreVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
            EquatableArray.From(new[] { CoreArch.X86_64 }),
            EquatableArray.From(new[] { new RuleModel(0, CoreVerdict.Errno(1), EquatableArray.From(new[] { "fchmod" }), "mode == 04755") }));
        var program = PropertyTests.CompileProgram(model, CoreArch.X86_64);
        Assert.Equal("ERRNO(1)", SeccompLoader.Evaluate(program, "fchmod", new ulong[] { 3, 0xdead_0000_0001_09ed }).ToString());
        Assert.Equal("ALLOW", SeccompLoader.Evaluate(program, "fchmod", new ulong[] { 3, 0x1ed }).ToString());
    }


    [Theory]
    [InlineData(40, "nests more than 32 deep")]
    [InlineData(0, "more than 256 operators")]
    public void DeepOrLongConditionsAreErrorsNotStackOverflows(int depth, string message)
    {
        string when = depth > 0
            ? new string('(', depth) + "fd == 1" + new string(')', depth)
            : string.Join(" || ", Enumerable.Range(0, 3000).Select(i => "fd == " + i));
        ConditionBinder.Bind(when, "write", ArchInfo.Get(CoreArch.X86_64), out var problems);
        var p = Assert.Single(problems);
        Assert.Equal(DiagnosticIds.ConditionSyntax, p.Id);
        Assert.Contains(message, p.Message);
        Assert.Equal(DiagnosticIds.ConditionSyntax, ConditionBinder.Bind(new string('!', 5000) + "(fd == 1)", "write", ArchInfo.Get(CoreArch.X86_64), out var bangs) == null ? bangs[0].Id : "");
    }

    // ---- argN is register slot N (issue 10, item 1) -----------------------------------------------------------------

    [Fact]
    public void ArgNIsAlwaysRegisterSlotNEvenWhereThePrototypeNamesAnotherSlotSo()
    {
        var arch = ArchInfo.Get(CoreArch.X86_64);
        var prctl = (CompareCondition)ConditionBinder.Bind(ConditionParser.Parse("arg3 == 7", out _)!, "prctl", arch, out var problems, null, out var warnings)!;
        Assert.Empty(problems);
        Assert.Equal(3, prctl.Arg);
        var w = Assert.Single(warnings);
        Assert.Equal(DiagnosticIds.PositionalArgument, w.Id);
        Assert.Equal(new TextSpan(0, 4), w.Span);
        Assert.Contains("'arg3' is register slot 3, which prctl's prototype calls 'arg4'; slot 2 is 'arg3' in the prototype", w.Message);
        Assert.True(ReferenceEvaluator.Holds(prctl, new ulong[] { 0, 0, 0, 7, 0, 0 }));
        Assert.False(ReferenceEvaluator.Holds(prctl, new ulong[] { 0, 0, 7, 0, 0, 0 }));

        // keyctl and arch_prctl too; prctl's last slot is 4: arg5 does not exist.
        Assert.Equal(1, ((CompareCondition)Bind("arg1 == 2", "keyctl")).Arg);
        Assert.Equal(1, ((CompareCondition)Bind("arg1 == 0x1002", "arch_prctl")).Arg);
        ConditionBinder.Bind("arg5 == 1", "prctl", arch, out var tooFar);
        Assert.Equal(DiagnosticIds.ConditionUnknownName, Assert.Single(tooFar).Id);

        // Where the prototype agrees (write's slots, sysfs's arg1 in slot 1) there is nothing to say.
        ConditionBinder.Bind(ConditionParser.Parse("arg0 == 1", out _)!, "write", arch, out _, null, out var none);
        Assert.Empty(none);
        ConditionBinder.Bind(ConditionParser.Parse("arg1 == 1 && arg2 == 0", out _)!, "sysfs", arch, out _, null, out none);
        Assert.Empty(none);
    }

    [Fact]
    public void ArgNOnPrctlIsAWarningOnItsCharactersAndTheProgramTestsSlotN()
    {
        const string when = "option == 4 && arg2 == 1";
        var model = new PolicyModel(CoreVerdict.Allow, CoreVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
            EquatableArray.From(new[] { CoreArch.X86_64, CoreArch.Aarch64 }),
            EquatableArray.From(new[] { new RuleModel(0, CoreVerdict.Errno(1), EquatableArray.From(new[] { "prctl" }), when) }));
        var compilation = PolicyCompiler.Compile(model);
        Assert.False(compilation.HasErrors);
        var d = Assert.Single(compilation.Diagnostics, x => x.Id == DiagnosticIds.PositionalArgument);
        Assert.Equal("arg2", when.Substring(d.Location.Start, d.Location.Length));
        Assert.Contains("which prctl's prototype calls 'arg3'; slot 1 is 'arg2' in the prototype", d.Message);
        var program = PropertyTests.CompileProgram(model, CoreArch.X86_64);
        Assert.Equal("ERRNO(1)", SeccompLoader.Evaluate(program, "prctl", new ulong[] { 4, 0, 1 }).ToString());
        Assert.Equal("ALLOW", SeccompLoader.Evaluate(program, "prctl", new ulong[] { 4, 1, 0 }).ToString());
    }

    // ---- Arguments the kernel reads narrower than declared (item 2) --------------------------------------------------

    [Fact]
    public void CloneFlagsAreThirtyTwoBitsAsTheKernelsLowerThirtyTwoBitsReadsThem()
    {
        var c = (CompareCondition)Bind("clone_flags == 0x11", "clone");
        Assert.Equal(32, c.Type.Bits);
        // Bit 40 set: the kernel drops it (lower_32_bits(clone_flags)), so the rule still matches.
        Assert.True(ReferenceEvaluator.Holds(c, new ulong[] { 0x100_0000_0011, 0, 0, 0, 0, 0 }));
        Assert.False(ReferenceEvaluator.Holds(c, new ulong[] { 0x100_0000_0012, 0, 0, 0, 0, 0 }));
        ConditionBinder.Bind("clone_flags == 0x100000000", "clone", ArchInfo.Get(CoreArch.X86_64), out var problems);
        var p = Assert.Single(problems);
        Assert.Equal(DiagnosticIds.ConditionOutOfRange, p.Id);
        Assert.Contains("clone reads only its low 32 bits, lower_32_bits(clone_flags)", p.Message);

        foreach (var arch in new[] { CoreArch.X86_64, CoreArch.Aarch64 })
        {
            var model = new PolicyModel(CoreVerdict.Allow, CoreVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
                EquatableArray.From(new[] { arch }),
                EquatableArray.From(new[] { new RuleModel(0, CoreVerdict.Errno(1), EquatableArray.From(new[] { "clone" }), "clone_flags == 0x11") }));
            var program = PropertyTests.CompileProgram(model, arch);
            Assert.Equal("ERRNO(1)", SeccompLoader.Evaluate(program, "clone", new ulong[] { 0x100_0000_0011 }).ToString());
            Assert.Equal("ERRNO(1)", SeccompLoader.Evaluate(program, "clone", new ulong[] { 0x11 }).ToString());
            Assert.Equal("ALLOW", SeccompLoader.Evaluate(program, "clone", new ulong[] { 0x100_0000_0000 }).ToString());
            var resolved = PolicyCompiler.Compile(model).Program(arch).Resolved;
            Assert.True(ArchInfo.Get(arch).TryGetNumber("clone", out int clone));
            var number = (uint)clone;
            Assert.Equal("ERRNO(1)", ReferenceEvaluator.Evaluate(resolved, resolved.Arch.AuditArch, number, new ulong[] { 0x100_0000_0011, 0, 0, 0, 0, 0 }).ToString());
        }
    }

    [Theory]
    [InlineData("readv", "fd == 3", 0, 0xffff_ffff_0000_0003UL, 32)]
    [InlineData("writev", "vlen == 1", 2, 0x1_0000_0001UL, 32)]
    [InlineData("mmap", "fd == 0xffffffff", 4, 0xffff_ffff_ffff_ffffUL, 32)]
    [InlineData("ptrace", "pid == -1", 1, 0x0000_0000_ffff_ffffUL, 32)]
    [InlineData("mbind", "mode == 2", 2, 0x8000_0000_0000_0002UL, 32)]
    [InlineData("exit_group", "error_code == 1", 0, 0x101UL, 8)]
    [InlineData("umask", "mask == 022", 0, 0x1012UL, 9)]
    [InlineData("openat", "mode == 0644", 3, 0x81a4UL, 12)]
    [InlineData("fchmod", "mode == 04755", 1, 0x109edUL, 12)]
    [InlineData("mkdirat", "mode == 0755", 2, 0x41edUL, 10)]
    public void NarrowArgumentsCompareOnlyTheBitsTheKernelReads(string syscall, string when, int slot, ulong raw, int bits)
    {
        var c = (CompareCondition)Bind(when, syscall);
        Assert.Equal(bits, c.Type.Bits);
        var args = new ulong[6];
        args[slot] = raw;
        Assert.True(ReferenceEvaluator.Holds(c, args));
        var model = new PolicyModel(CoreVerdict.Allow, CoreVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
            EquatableArray.From(new[] { CoreArch.X86_64 }),
            EquatableArray.From(new[] { new RuleModel(0, CoreVerdict.Errno(1), EquatableArray.From(new[] { syscall }), when) }));
        var program = PropertyTests.CompileProgram(model, CoreArch.X86_64);
        Assert.Equal("ERRNO(1)", SeccompLoader.Evaluate(program, syscall, args).ToString());
    }

    [Fact]
    public void KeyctlAndPrctlArgumentsStayFullWidthTheirWidthDependsOnTheOption()
    {
        Assert.Equal(64, ((CompareCondition)Bind("arg1 == 1", "keyctl")).Type.Bits);
        Assert.Equal(64, ((CompareCondition)Bind("arg1 == 1", "prctl")).Type.Bits);
        Assert.Equal(64, ((CompareCondition)Bind("arg == 1", "fcntl")).Type.Bits);
        Assert.Equal(64, ((CompareCondition)Bind("riovcnt == 1", "process_vm_readv")).Type.Bits);
    }

    // ---- @dotnet-runtime's mknodat (item 9) ---------------------------------------------------------------------------

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void DotnetRuntimeAllowsMknodatOnlyForRegularFilesAndFifos(bool x86)
    {
        var arch = x86 ? CoreArch.X86_64 : CoreArch.Aarch64;
        var model = new PolicyModel(CoreVerdict.Errno(1), CoreVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
            EquatableArray.From(new[] { arch }),
            EquatableArray.From(new[]
            {
                new RuleModel(0, CoreVerdict.Allow, EquatableArray.From(new[] { "@dotnet-runtime" }), null),
                new RuleModel(1, CoreVerdict.Errno(38), EquatableArray.From(new[] { "clone3" }), null),
            }));
        var compilation = PolicyCompiler.Compile(model);
        Assert.DoesNotContain(compilation.Diagnostics, d => d.Id == DiagnosticIds.DangerousAllowance);
        var program = PropertyTests.CompileProgram(model, arch);
        string Mknodat(ulong mode) => SeccompLoader.Evaluate(program, "mknodat", new ulong[] { unchecked((ulong)-100), 0x1000, mode, 0 }).ToString();
        Assert.Equal("ALLOW", Mknodat(0x1000 | 0x180));   // S_IFIFO | 0600
        Assert.Equal("ALLOW", Mknodat(0x8000 | 0x1a4));   // S_IFREG | 0644
        Assert.Equal("ALLOW", Mknodat(0x1a4));            // 0: a regular file
        Assert.Equal("ERRNO(1)", Mknodat(0x2000 | 0x1b6)); // S_IFCHR
        Assert.Equal("ERRNO(1)", Mknodat(0x6000 | 0x1b6)); // S_IFBLK
        Assert.Equal("ERRNO(1)", Mknodat(0xc000));         // S_IFSOCK is not in the group either
        // umode_t is 16 bits: a high bit does not turn a device into a FIFO.
        Assert.Equal("ERRNO(1)", Mknodat(0x1_0000_2000));
    }

    [Fact]
    public void AnAllowedMknodThatCanCreateADeviceNodeIsDangerous()
    {
        PolicyModel Policy(string? when) => new(CoreVerdict.Errno(1), CoreVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
            EquatableArray.From(new[] { CoreArch.X86_64 }),
            EquatableArray.From(new[] { new RuleModel(0, CoreVerdict.Allow, EquatableArray.From(new[] { "mknod", "mknodat" }), when) }));
        var bare = PolicyCompiler.Compile(Policy(null)).Diagnostics.Where(d => d.Id == DiagnosticIds.DangerousAllowance).ToList();
        Assert.Equal(2, bare.Count);
        Assert.Contains("allows mknodat with S_IFCHR or S_IFBLK in mode", bare[1].Message);
        var blockOnly = PolicyCompiler.Compile(Policy("(mode & S_IFMT) != S_IFCHR")).Diagnostics.Where(d => d.Id == DiagnosticIds.DangerousAllowance);
        Assert.Equal(2, blockOnly.Count());
        Assert.DoesNotContain(PolicyCompiler.Compile(Policy("(mode & S_IFMT) in (0, S_IFREG, S_IFIFO)")).Diagnostics,
            d => d.Id == DiagnosticIds.DangerousAllowance);
    }

    // ---- Flags compared for equality (item 3) -------------------------------------------------------------------------

    [Fact]
    public void FlagEqualityInADenyingRuleIsAFindingWithItsMaskForm()
    {
        const string when = "prot == (PROT_READ | PROT_WRITE | PROT_EXEC)";
        var model = new PolicyModel(CoreVerdict.Allow, CoreVerdict.KillProcess, PolicyModel.DefaultUnknownSyscallAction,
            EquatableArray.From(new[] { CoreArch.X86_64, CoreArch.Aarch64 }),
            EquatableArray.From(new[]
            {
                new RuleModel(0, CoreVerdict.KillProcess, EquatableArray.From(new[] { "mmap" }), when),
                new RuleModel(1, CoreVerdict.Allow, EquatableArray.From(new[] { "mprotect" }), "prot == PROT_READ"),
                new RuleModel(2, CoreVerdict.Errno(1), EquatableArray.From(new[] { "clone" }), "clone_flags == (CLONE_NEWUSER | SIGCHLD)"),
            }));
        var findings = PolicyCompiler.Compile(model).Diagnostics.Where(d => d.Id == DiagnosticIds.FlagEquality).ToList();
        foreach (var f in findings) _out.WriteLine(f.Message);
        Assert.Equal(2, findings.Count);
        Assert.Equal(when, when.Substring(findings[0].Location.Start, findings[0].Location.Length));
        Assert.Equal("(prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) == (PROT_READ | PROT_WRITE | PROT_EXEC)", findings[0].Suggestion);
        Assert.Equal(FixKinds.MaskForm, findings[0].Fix);
        Assert.Equal(2, findings[1].Location.RuleIndex);
        Assert.Null(findings[1].Fix); // flags and a signal: no one mask form

        // The mask form in the same rule matches the call with bit 40 set, which the kernel maps RWX.
        var masked = Bind(findings[0].Suggestion!, "mmap");
        Assert.True(ReferenceEvaluator.Holds(masked, new ulong[] { 0, 4096, 0x100_0000_0007, 0x22, ulong.MaxValue, 0 }));
        Assert.False(ReferenceEvaluator.Holds(Bind(when, "mmap"), new ulong[] { 0, 4096, 0x100_0000_0007, 0x22, ulong.MaxValue, 0 }));
    }
}
