using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Running;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Seccomp.Generators.Bench;

public static class Program
{
    /// <summary>
    /// <c>--check</c>: runs each generator once and prints what it produced (a generator that throws or finds
    /// nothing would otherwise be timed as very fast). Anything else goes to BenchmarkDotNet.
    /// </summary>
    public static int Main(string[] args)
    {
        Inputs.ResolveFromAppDirectory();
        if (args.Length == 1 && args[0] == "--check")
            return Inputs.Check();
        if (args.Length >= 1 && args[0] == "--loop")
            return Inputs.Loop(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 8);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}

/// <summary>The three inputs, how a compilation is made for them, and where the Regex generator is.</summary>
internal static class Inputs
{
    // What the package's generator and the Regex generator are timed on.
    public const string OneRulePolicy = """
        using Seccomp;

        namespace Bench;

        [SeccompPolicy]
        [Allow("read")]
        internal static partial class OneRulePolicy;
        """;

    public const string GeneratedRegex = """
        using System.Text.RegularExpressions;

        namespace Bench;

        internal static partial class Patterns
        {
            [GeneratedRegex(@"^(?<key>[a-z_]+)=(?<value>\d+)$", RegexOptions.IgnoreCase)]
            internal static partial Regex KeyValue();
        }
        """;

    /// <summary>
    /// Docker's default profile as the repository's tests declare it, less its <c>Architectures = new[] { X86_64 }</c>:
    /// issue 9 measures it with the default architectures (every supported one), as eng/measure-build-time.sh does.
    /// </summary>
    public static string DockerPolicy()
    {
        using var stream = typeof(Inputs).Assembly.GetManifestResourceStream("DockerDefaultPolicy.cs")
            ?? throw new InvalidOperationException("resource DockerDefaultPolicy.cs missing");
        using var reader = new StreamReader(stream);
        string text = Regex.Replace(reader.ReadToEnd(), @",\s*Architectures\s*=\s*new\[\]\s*\{[^}]*\}", "");
        if (text.Contains("Architectures", StringComparison.Ordinal))
            throw new InvalidOperationException("could not remove the Architectures restriction from Docker's profile");
        return text;
    }

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>
    /// Loads an assembly the host cannot find from the application's folder. BenchmarkDotNet's copy of this project
    /// builds every project into one output folder, and there the generator project's extra target path for
    /// Seccomp.Compiler.dll (marked IncludeRuntimeDependency=false, so the compiler gets it as an analyzer)
    /// coincides with the compiler core's own output and drops it from the deps.json: the file is there, but unlisted.
    /// </summary>
    public static void ResolveFromAppDirectory()
    {
        if (resolverInstalled) return;
        resolverInstalled = true;
        System.Runtime.Loader.AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            string path = Path.Combine(AppContext.BaseDirectory, name.Name + ".dll");
            return File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
        };
    }

    private static bool resolverInstalled;

    /// <summary>
    /// A compilation of one source file against the running runtime's assemblies (System.Text.RegularExpressions
    /// holds [GeneratedRegex]) and the package's runtime assembly Seccomp.dll (the policy attributes), as a user's
    /// build has them.
    /// </summary>
    public static CSharpCompilation Compile(string source, string name)
    {
        var tpa = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal)
                        || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll");
        var references = tpa.Append(SeccompRuntimeAssembly())
            .Distinct()
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToList();
        return CSharpCompilation.Create(
            name,
            new[] { CSharpSyntaxTree.ParseText(source, ParseOptions, path: name + ".cs") },
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
    }

    /// <summary>src/Seccomp's Seccomp.dll, as built beside this project (see the project file).</summary>
    public static string SeccompRuntimeAssembly()
    {
        string? path = typeof(Inputs).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "SeccompRuntimeAssembly")?.Value;
        if (path is null || !File.Exists(path))
            throw new FileNotFoundException($"the runtime assembly Seccomp.dll is not at '{path}'; build src/Seccomp first");
        return path;
    }

    /// <summary>
    /// The SDK's Regex generator, System.Text.RegularExpressions.Generator.dll from the Microsoft.NETCore.App.Ref pack
    /// of the running runtime's major version (the one a net10.0 build uses). SECCOMP_BENCH_REGEX_GENERATOR may name
    /// the file instead. The dotnet root is three levels above System.Private.CoreLib
    /// (shared/Microsoft.NETCore.App/&lt;version&gt;/).
    /// </summary>
    public static string RegexGeneratorPath()
    {
        string? given = Environment.GetEnvironmentVariable("SECCOMP_BENCH_REGEX_GENERATOR");
        if (!string.IsNullOrEmpty(given))
            return given;
        string root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        string packs = Path.Combine(root, "packs", "Microsoft.NETCore.App.Ref");
        var candidates = Directory.Exists(packs)
            ? Directory.GetDirectories(packs)
                .Select(d => (Dir: d, Version: Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v) ? v : null))
                .Where(c => c.Version is not null && c.Version.Major == Environment.Version.Major)
                .OrderByDescending(c => c.Version)
                .Select(c => Path.Combine(c.Dir, "analyzers", "dotnet", "cs", "System.Text.RegularExpressions.Generator.dll"))
                .Where(File.Exists)
                .ToList()
            : new List<string>();
        return candidates.FirstOrDefault()
            ?? throw new FileNotFoundException($"no System.Text.RegularExpressions.Generator.dll under {packs}/{Environment.Version.Major}.*/analyzers/dotnet/cs");
    }

    public static IIncrementalGenerator LoadRegexGenerator()
    {
        var assembly = Assembly.LoadFrom(RegexGeneratorPath());
        // The assembly also holds code fixers, whose types need Microsoft.CodeAnalysis.Workspaces (not loaded here,
        // as in the compiler): take the types that do load.
        Type?[] all;
        try { all = assembly.GetTypes(); }
        catch (ReflectionTypeLoadException e) { all = e.Types; }
        var types = all.OfType<Type>()
            .Where(t => !t.IsAbstract && typeof(IIncrementalGenerator).IsAssignableFrom(t)
                        && t.GetCustomAttributes(typeof(GeneratorAttribute), false).Length > 0)
            .ToList();
        if (types.Count != 1)
            throw new InvalidOperationException($"expected one incremental generator in {assembly.Location}, found {types.Count}");
        return (IIncrementalGenerator)Activator.CreateInstance(types[0])!;
    }

    /// <summary>What one benchmark invocation does: a new driver on a fresh copy of the compilation.</summary>
    /// <remarks>
    /// <see cref="Compilation.Clone"/> keeps the parsed trees and the loaded references but drops every semantic
    /// cache (bound attributes, symbols of the source), so each run binds the policy's attributes anew, as a build
    /// does; without it the warm runs would reuse what the first run bound. A new driver has no incremental state.
    /// </remarks>
    public static GeneratorDriver Run(IIncrementalGenerator generator, Compilation compilation)
        => CSharpGeneratorDriver.Create(new[] { generator.AsSourceGenerator() }, parseOptions: ParseOptions)
            .RunGenerators(compilation.Clone());

    /// <summary>
    /// JIT-compiles and initialises Roslyn's own code (parsing, binding, the driver, ForAttributeWithMetadataName)
    /// on a compilation of its own, so that a cold run measures what a generator costs in a build, not the
    /// first use of the Roslyn NuGet assemblies (which the compiler ships precompiled).
    /// </summary>
    public static void WarmRoslyn(string source)
    {
        var compilation = Compile(source, "Warm" + Guid.NewGuid().ToString("N"));
        _ = compilation.GetDiagnostics();
        _ = Run(new NoOpGenerator(), compilation);
    }

    /// <summary>Looks for an attribute nothing carries: exercises the driver and the attribute index, emits nothing.</summary>
    private sealed class NoOpGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var none = context.SyntaxProvider.ForAttributeWithMetadataName(
                "Bench.NothingHasThisAttribute", static (_, _) => true, static (_, _) => 0);
            context.RegisterSourceOutput(none, static (_, _) => { });
        }
    }

    /// <summary>
    /// <c>--loop [N]</c>: the first N runs of each generator in this process, each on a fresh clone with a new driver,
    /// in milliseconds. The first runs are what a compiler server build sees: the code runs a few times per server
    /// lifetime, so mostly as unoptimised (tier-0) JIT code. The driver's own timing is printed beside the stopwatch.
    /// </summary>
    public static int Loop(int n)
    {
        var seccomp = new SeccompGenerator();
        var regex = LoadRegexGenerator();
        var docker = Compile(DockerPolicy(), "Docker");
        var patterns = Compile(GeneratedRegex, "Patterns");
        foreach (var c in new[] { docker, patterns }) _ = c.GetTypeByMetadataName("System.Object");
        WarmRoslyn(OneRulePolicy + "\n" + GeneratedRegex.Replace("namespace Bench;", "namespace Bench2;"));
        for (int i = 0; i < n; i++)
        {
            foreach (var (name, generator, compilation) in new[] { ("seccomp", seccomp, docker), ("regex", regex, patterns) })
            {
                var sw = System.Diagnostics.Stopwatch.StartNew();
                var driver = Run(generator, compilation);
                sw.Stop();
                var t = driver.GetTimingInfo();
                Console.Write($"{name} {sw.Elapsed.TotalMilliseconds,7:F2} ms (driver {t.ElapsedTime.TotalMilliseconds,7:F2})   ");
            }
            Console.WriteLine();
        }
        return 0;
    }

    public static int Check()
    {
        int failures = 0;
        foreach (var (name, generator, source) in new (string, IIncrementalGenerator, string)[]
                 {
                     ("SeccompOneRule", new SeccompGenerator(), OneRulePolicy),
                     ("SeccompDocker", new SeccompGenerator(), DockerPolicy()),
                     ("Regex", LoadRegexGenerator(), GeneratedRegex),
                 })
        {
            var result = Run(generator, Compile(source, name)).GetRunResult();
            var generated = result.Results.Single();
            Console.WriteLine($"{name}: {generated.GeneratedSources.Length} source(s), "
                              + $"{generated.GeneratedSources.Sum(s => s.SourceText.Length)} chars, "
                              + $"{result.Diagnostics.Length} diagnostic(s), exception: {generated.Exception?.Message ?? "none"}");
            foreach (var d in result.Diagnostics)
                Console.WriteLine("  " + d);
            if (generated.Exception is not null || generated.GeneratedSources.Length == 0)
                failures++;
        }
        Console.WriteLine("Regex generator: " + RegexGeneratorPath());
        Console.WriteLine("Seccomp runtime: " + SeccompRuntimeAssembly());
        return failures == 0 ? 0 : 1;
    }
}

/// <summary>
/// The generator time of issue 9, item 3, per job: "Cold" is the first run in a new process (each launch is a new
/// process that runs the global setup, then the benchmark exactly once: assembly load of the generator's
/// dependencies, JIT of its code and its one-time table set-up are all in that one run); "Warm" is the usual
/// throughput measurement of the same call after warm-up. Regex is the baseline, so Ratio is "times the Regex
/// generator's time" in the same job.
/// </summary>
[SimpleJob(RunStrategy.ColdStart, launchCount: 10, warmupCount: 0, iterationCount: 1, id: "Cold")]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 5, iterationCount: 15, id: "Warm")]
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private IIncrementalGenerator seccomp = null!;
    private IIncrementalGenerator regex = null!;
    private Compilation oneRule = null!;
    private Compilation docker = null!;
    private Compilation patterns = null!;

    /// <summary>
    /// Everything but the generator run: the compilations (parsed, references loaded), the generator instances
    /// (a build, too, instantiates them before running them), and Roslyn's own warm-up on an unrelated compilation.
    /// </summary>
    [GlobalSetup]
    public void Setup()
    {
        Inputs.ResolveFromAppDirectory();
        seccomp = new SeccompGenerator();
        regex = Inputs.LoadRegexGenerator();
        oneRule = Inputs.Compile(Inputs.OneRulePolicy, "OneRule");
        docker = Inputs.Compile(Inputs.DockerPolicy(), "Docker");
        patterns = Inputs.Compile(Inputs.GeneratedRegex, "Patterns");
        // Reading the references' metadata happens once per compilation lineage (clones share it): do it here.
        foreach (var c in new[] { oneRule, docker, patterns })
            _ = c.GetTypeByMetadataName("System.Object");
        Inputs.WarmRoslyn(Inputs.OneRulePolicy + "\n" + Inputs.GeneratedRegex.Replace("namespace Bench;", "namespace Bench2;"));
    }

    /// <summary>
    /// After the measurements, in the same process: runs each generator once more and fails the benchmark if it threw
    /// or produced nothing (a generator exception is caught by the driver, and would be timed as a fast run).
    /// </summary>
    [GlobalCleanup]
    public void Verify()
    {
        foreach (var (name, generator, compilation) in new[] { ("SeccompOneRule", seccomp, oneRule), ("SeccompDocker", seccomp, docker), ("Regex", regex, patterns) })
        {
            var result = Inputs.Run(generator, compilation).GetRunResult().Results.Single();
            int chars = result.GeneratedSources.Sum(s => s.SourceText.Length);
            Console.WriteLine($"// check {name}: {result.GeneratedSources.Length} source(s), {chars} chars, exception: {result.Exception?.ToString() ?? "none"}");
            if (result.Exception is not null || chars == 0)
                throw new InvalidOperationException($"{name}: the generator produced nothing or threw", result.Exception);
        }
    }

    [Benchmark(Description = "Seccomp, one-rule policy")]
    public GeneratorDriver SeccompOneRule() => Inputs.Run(seccomp, oneRule);

    [Benchmark(Description = "Seccomp, Docker's profile")]
    public GeneratorDriver SeccompDocker() => Inputs.Run(seccomp, docker);

    [Benchmark(Baseline = true, Description = "Regex, one [GeneratedRegex]")]
    public GeneratorDriver Regex() => Inputs.Run(regex, patterns);
}
