using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using Seccomp.Compiler;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Containers;
using Seccomp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Seccomp.Tests.Oracles;

/// <summary>
/// Docker's default profile imported (tests/Seccomp.TestChild/Policies/DockerDefaultPolicy.g.cs is `dotnet-seccomp
/// import`'s output, kept so by eng/regenerate.sh --check) and exported again gives the verdicts of the original, both
/// loaded into libseccomp as runc loads them, on 100,000 x86_64 calls. The original is resolved here as Docker resolves
/// it (amd64, Docker's default capabilities, kernel 6.18) by code of this test's own. The vectors keep 32-bit arguments
/// non-negative with a zero high word: Docker's libseccomp compares all 64 bits unsigned where the policy (and the
/// kernel) reads an int, so they differ by design beyond that (docs/containers.md says so).
/// </summary>
[Trait(TestCategories.Name, TestCategories.Oracle)]
public class OciImportRoundTripTests
{
    private static readonly HashSet<string> s_caps = new()
    {
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    };

    private readonly ITestOutputHelper _out;

    public OciImportRoundTripTests(ITestOutputHelper output) => _out = output;

    [Fact]
    public void DockerDefaultImportedThenExportedDecidesAsTheOriginal()
    {
        var original = new OciRuncLoader(ResolveAsDocker(File.ReadAllText(Paths.Data("corpus/docker-default.json"))), CoreArch.X86_64);
        var model = AttributeModel.FromType(typeof(Seccomp.Tests.Policies.DockerDefaultPolicy));
        var problems = new List<OciProblem>();
        var exported = OciLowering.Lower(PolicyCompiler.Compile(model), new[] { CoreArch.X86_64 }, false, false, problems);
        Assert.Empty(problems);
        var roundTrip = new OciRuncLoader(OciJson.Write(exported), CoreArch.X86_64);
        var info = ArchInfo.Get(CoreArch.X86_64);
        var rng = new Random(2222);
        int vectors = 0;
        for (; vectors < 100_000; vectors++)
        {
            int nr = rng.Next(0, info.MaxSyscall + 1);
            info.TryGetName(nr, out var name);
            var ps = Signatures.Get(name, CoreArch.X86_64);
            var args = new ulong[6];
            for (int i = 0; i < 6; i++)
            {
                var p = ps?.FirstOrDefault(x => x.Index == i);
                ulong v = rng.Next(4) switch
                {
                    0 => (ulong)rng.Next(0, 64),
                    1 => RandomPolicies.Edges[rng.Next(RandomPolicies.Edges.Length)],
                    2 => 0x7E020000UL & (ulong)rng.NextInt64(),
                    _ => (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 40),
                };
                if (p != null && p.Type.Bits < 64) v &= 0x7fff_ffff;
                args[i] = v;
            }
            var a = original.Program.Run(nr, args);
            var b = roundTrip.Program.Run(nr, args);
            Assert.True(a == b, $"{name} ({nr}) [{string.Join(", ", args.Select(x => "0x" + x.ToString("x")))}]: original {a}, imported and exported {b}");
        }
        _out.WriteLine($"{vectors} x86_64 vectors: the original and the round trip agree; {original.RuleCount} and {roundTrip.RuleCount} libseccomp rules");
    }

    /// <summary>moby's setupSeccomp for one container: includes/excludes against amd64, the capabilities and the kernel.</summary>
    private static string ResolveAsDocker(string json)
    {
        var profile = JsonNode.Parse(json)!.AsObject();
        var kept = new JsonArray();
        foreach (var entry in profile["syscalls"]!.AsArray())
        {
            var e = entry!.AsObject();
            static IEnumerable<string> List(JsonNode? o, string key) => o?[key]?.AsArray().Select(x => (string)x!) ?? Enumerable.Empty<string>();
            static bool AtLeast(string? minKernel) => minKernel == null || new Version(6, 18) >= Version.Parse(minKernel.Contains('.') ? minKernel : minKernel + ".0");
            var inc = e["includes"];
            var exc = e["excludes"];
            if (List(exc, "arches").Contains("amd64")) continue;
            if (List(exc, "caps").Any(s_caps.Contains)) continue;
            if ((string?)exc?["minKernel"] is { } xk && AtLeast(xk)) continue;
            if (List(inc, "arches").Any() && !List(inc, "arches").Contains("amd64")) continue;
            if (!List(inc, "caps").All(s_caps.Contains)) continue;
            if (!AtLeast((string?)inc?["minKernel"])) continue;
            var copy = JsonNode.Parse(e.ToJsonString())!.AsObject();
            copy.Remove("includes");
            copy.Remove("excludes");
            copy.Remove("comment");
            kept.Add(copy);
        }
        var result = new JsonObject
        {
            ["defaultAction"] = (string)profile["defaultAction"]!,
            ["defaultErrnoRet"] = (int)profile["defaultErrnoRet"]!,
            ["syscalls"] = kept,
        };
        return result.ToJsonString();
    }
}
