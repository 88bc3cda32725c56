using System;
using System.Collections.Generic;
using System.Linq;

// Linked into the runtime and the compiler core (and so seen by the generator and the tool); internal in both.
// The one writer and the one reader of the policy as it leaves a built assembly: the generated SeccompPolicySource
// constant (written by the generator, read by `dotnet-seccomp explain` and `check`) and the file a recording install
// leaves for the tool (written by the runtime, read by the tool) are both this document.
#if SECCOMP_COMPILER
namespace Seccomp.Compiler
#else
namespace Seccomp.Common
#endif
{
    /// <summary>
    /// A policy as declared, as one line of JSON: its name, its settings (written and read by the generator's policy
    /// schema, which owns their keys), its rules with where each is written, and, in the file a recording install
    /// leaves, the program that install planned (<see cref="Applied"/>).
    /// </summary>
    /// <remarks>
    /// JSON by hand, here: the generator and the core target netstandard2.0 and reference no JSON library, and one
    /// small reader for the three places that read it keeps them from drifting. Keys are written in a fixed order, so
    /// the same policy gives the same bytes on every build. A reader refuses another <see cref="CurrentVersion"/>.
    /// </remarks>
    internal sealed class PolicyDocument
    {
        /// <summary>The format's version: a change that an older reader would misread takes a new number.</summary>
        public const int CurrentVersion = 1;

        /// <summary>The private constant of every generated policy class that holds its document.</summary>
        public const string SourceField = "SeccompPolicySource";

        /// <summary>The file a recording install leaves in SECCOMP_RECORD_DIR: the process id and this.</summary>
        public const string FileExtension = ".policy";

        public const string VersionKey = "version", NameKey = "name", RulesKey = "rules", AppliedKey = "applied";
        private const string ActionKey = "action", DataKey = "data";

        // Keys the document itself owns; a setting may take none of them.
        private static readonly string[] s_ownKeys = { VersionKey, NameKey, RulesKey, AppliedKey };

        public PolicyDocument(string name, IReadOnlyList<KeyValuePair<string, object?>> settings, IReadOnlyList<PolicyDocumentRule> rules,
            PolicyDocumentProgram? applied = null)
        {
            Name = name;
            Settings = settings;
            Rules = rules;
            Applied = applied;
        }

        public string Name { get; }

        /// <summary>
        /// The policy-wide settings in the order they are written, as JSON values (<see cref="PolicyJson"/>): what each key
        /// means is the generator's policy schema's to say, not this format's.
        /// </summary>
        public IReadOnlyList<KeyValuePair<string, object?>> Settings { get; }

        public IReadOnlyList<PolicyDocumentRule> Rules { get; }

        /// <summary>The architecture and program a recording install planned; null in the generated constant.</summary>
        public PolicyDocumentProgram? Applied { get; }

        /// <summary>The value of a setting, or null when the document does not have it.</summary>
        public object? Setting(string key, out bool present)
        {
            foreach (var kv in Settings)
                if (kv.Key == key)
                {
                    present = true;
                    return kv.Value;
                }
            present = false;
            return null;
        }

        public PolicyDocument WithApplied(SeccompArch arch, byte[] program) => new(Name, Settings, Rules, new PolicyDocumentProgram(arch, program));

        public string ToJson()
        {
            var o = new List<KeyValuePair<string, object?>>
            {
                new(VersionKey, (long)CurrentVersion),
                new(NameKey, Name),
            };
            foreach (var kv in Settings)
            {
                if (Array.IndexOf(s_ownKeys, kv.Key) >= 0) throw new ArgumentException($"a setting cannot take the document's key '{kv.Key}'");
                o.Add(kv);
            }
            o.Add(new(RulesKey, Rules.Select(RuleJson).Cast<object?>().ToList()));
            if (Applied != null)
                o.Add(new(AppliedKey, PolicyJson.Object(
                    new("arch", Applied.Arch.ToString()),
                    new("program", Convert.ToBase64String(Applied.Program)))));
            return PolicyJson.Write(o);
        }

        private static object RuleJson(PolicyDocumentRule r)
        {
            var o = new List<KeyValuePair<string, object?>>
            {
                new("index", (long)r.Index),
                new(ActionKey, Verdict(r.Action, r.Data)),
                new("syscalls", r.Syscalls.Cast<object?>().ToList()),
            };
            if (r.When != null) o.Add(new("when", r.When));
            o.Add(new("file", r.File));
            o.Add(new("line", (long)r.Line));
            o.Add(new("text", r.Text));
            return o;
        }

        /// <summary>Reads a document; <see cref="FormatException"/> for anything that is not one of this version.</summary>
        public static PolicyDocument Parse(string json)
        {
            var o = PolicyJson.AsObject(PolicyJson.Parse(json), "the document");
            if (PolicyJson.Get(o, VersionKey) is not long version)
                throw new FormatException("not a seccomp policy document (no version)");
            if (version != CurrentVersion)
                throw new FormatException($"a seccomp policy document of version {version}; this reader knows version {CurrentVersion} (built with another Seccomp.Generators?)");
            string name = PolicyJson.AsString(PolicyJson.Get(o, NameKey), NameKey);
            var settings = o.Where(kv => Array.IndexOf(s_ownKeys, kv.Key) < 0).ToList();
            var rules = PolicyJson.AsArray(PolicyJson.Get(o, RulesKey), RulesKey).Select(ParseRule).ToList();
            PolicyDocumentProgram? applied = null;
            if (PolicyJson.Get(o, AppliedKey) is { } a)
            {
                var ao = PolicyJson.AsObject(a, AppliedKey);
                string archName = PolicyJson.AsString(PolicyJson.Get(ao, "arch"), "applied arch");
                if (!TryArch(archName, out var arch)) throw new FormatException($"unknown architecture '{archName}'");
                byte[] program;
                try { program = Convert.FromBase64String(PolicyJson.AsString(PolicyJson.Get(ao, "program"), "applied program")); }
                catch (FormatException) { throw new FormatException("the applied program is not base64"); }
                applied = new PolicyDocumentProgram(arch, program);
            }
            return new PolicyDocument(name, settings, rules, applied);
        }

        private static PolicyDocumentRule ParseRule(object? value)
        {
            var o = PolicyJson.AsObject(value, "a rule");
            var (action, data) = ReadVerdict(PolicyJson.Get(o, ActionKey), "a rule's action");
            return new PolicyDocumentRule(
                PolicyJson.AsInt(PolicyJson.Get(o, "index"), "a rule's index"),
                action,
                data,
                PolicyJson.AsArray(PolicyJson.Get(o, "syscalls"), "a rule's syscalls").Select(s => PolicyJson.AsString(s, "a syscall name")).ToList(),
                PolicyJson.Get(o, "when") is { } w ? PolicyJson.AsString(w, "a rule's condition") : null,
                PolicyJson.Get(o, "file") is { } f ? PolicyJson.AsString(f, "a rule's file") : "",
                PolicyJson.Get(o, "line") is { } l ? PolicyJson.AsInt(l, "a rule's line") : 0,
                PolicyJson.Get(o, "text") is { } t ? PolicyJson.AsString(t, "a rule's text") : "");
        }

        /// <summary>An action and its data as the document writes them: <c>{"action":"Errno","data":1}</c>.</summary>
        public static object Verdict(SeccompAction action, int data) =>
            PolicyJson.Object(new(ActionKey, action.ToString()), new(DataKey, (long)data));

        public static (SeccompAction Action, int Data) ReadVerdict(object? value, string what)
        {
            var o = PolicyJson.AsObject(value, what);
            string name = PolicyJson.AsString(PolicyJson.Get(o, ActionKey), what);
            if (!Enum.TryParse(name, out SeccompAction action) || !Enum.IsDefined(typeof(SeccompAction), action) || name != action.ToString())
                throw new FormatException($"{what}: unknown action '{name}'");
            int data = PolicyJson.AsInt(PolicyJson.Get(o, DataKey), what);
            if (data < 0 || data > ushort.MaxValue) throw new FormatException($"{what}: data {data} out of range");
            return (action, data);
        }

        /// <summary>An architecture by its enum name (<c>X86_64</c>), as the document writes it.</summary>
        public static bool TryArch(string name, out SeccompArch arch)
        {
            foreach (SeccompArch a in Enum.GetValues(typeof(SeccompArch)))
                if (a.ToString() == name)
                {
                    arch = a;
                    return true;
                }
            arch = default;
            return false;
        }
    }

    /// <summary>One rule as declared: its action, its syscalls and @groups, its condition, and where it is written.</summary>
    internal sealed record PolicyDocumentRule(int Index, SeccompAction Action, int Data, IReadOnlyList<string> Syscalls, string? When,
        string File, int Line, string Text);

    /// <summary>The program a recording install planned for one architecture (before its denials went to the tool).</summary>
    internal sealed record PolicyDocumentProgram(SeccompArch Arch, byte[] Program);
}
