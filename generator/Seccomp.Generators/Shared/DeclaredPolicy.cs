using System.Collections.Generic;
using System.Linq;
using Seccomp.Compiler;
using Seccomp.Compiler.Policy;

namespace Seccomp.Generators
{
    /// <summary>
    /// A policy as it leaves the built assembly and comes back: the model, <c>LogDenied</c> and where each rule is
    /// written. The generator writes it into the class's SeccompPolicySource; the runtime copies that into the file a
    /// recording install leaves (adding the program it planned); the tool reads either back here. The settings go
    /// through <see cref="PolicySchema"/>, the format through <see cref="PolicyDocument"/>: one writer, one reader.
    /// </summary>
    internal sealed class DeclaredPolicy
    {
        public DeclaredPolicy(string name, PolicyModel model, bool logDenied, IReadOnlyList<RuleSource> sources, PolicyDocumentProgram? applied = null)
        {
            Name = name;
            Model = model;
            LogDenied = logDenied;
            Sources = sources;
            Applied = applied;
        }

        public string Name { get; }
        public PolicyModel Model { get; }
        public bool LogDenied { get; }

        /// <summary>Where each rule is written, indexed like the model's rules.</summary>
        public IReadOnlyList<RuleSource> Sources { get; }

        /// <summary>The program a recording install planned (only in the file it leaves).</summary>
        public PolicyDocumentProgram? Applied { get; }

        /// <summary>The policy a generated class declares; rule paths relative to <paramref name="projectDir"/> when they are in it.</summary>
        public static DeclaredPolicy Of(PolicyTarget target, string? projectDir)
        {
            var sources = new List<RuleSource>(target.Model.Rules.Count);
            for (int i = 0; i < target.Model.Rules.Count; i++)
            {
                var src = i < target.RuleSources.Count ? target.RuleSources[i] : new RuleSource("", 0, "");
                sources.Add(src with { Path = RelativePath(src.Path, projectDir) });
            }
            return new DeclaredPolicy(target.FullName, target.Model, target.LogDenied, sources);
        }

        public PolicyDocument ToDocument()
        {
            var rules = Model.Rules.Select((r, i) =>
            {
                var src = i < Sources.Count ? Sources[i] : new RuleSource("", 0, "");
                return new PolicyDocumentRule(r.Index, r.Action.Action, r.Action.Data, r.Syscalls.ToArray(), r.When, src.Path, src.Line, src.Text);
            }).ToList();
            return new PolicyDocument(Name, PolicySchema.ToDocument(PolicySettings.Of(Model, LogDenied)), rules, Applied);
        }

        public string ToJson() => ToDocument().ToJson();

        /// <summary>Reads a generated SeccompPolicySource or a recording's policy file; FormatException for anything else.</summary>
        public static DeclaredPolicy Parse(string json) => FromDocument(PolicyDocument.Parse(json));

        public static DeclaredPolicy FromDocument(PolicyDocument document)
        {
            var settings = PolicySchema.FromDocument(document);
            var rules = document.Rules.Select(r => new RuleModel(r.Index, SeccompVerdict.Of(r.Action, r.Data), EquatableArray.From(r.Syscalls.ToArray()), r.When)).ToArray();
            var sources = document.Rules.Select(r => new RuleSource(r.File, r.Line, r.Text)).ToList();
            return new DeclaredPolicy(document.Name, settings.ToModel(EquatableArray.From(rules)), settings.LogDenied, sources, document.Applied);
        }

        private static string RelativePath(string path, string? projectDir)
        {
            if (projectDir == null || path.Length == 0) return path.Replace('\\', '/');
            string dir = projectDir.Replace('\\', '/').TrimEnd('/') + "/";
            string p = path.Replace('\\', '/');
            return p.StartsWith(dir, System.StringComparison.Ordinal) ? p.Substring(dir.Length) : p;
        }
    }
}
