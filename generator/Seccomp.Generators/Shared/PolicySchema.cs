using System;
using System.Collections.Generic;
using System.Linq;
using Seccomp.Compiler;
using Seccomp.Compiler.Diagnostics;
using Seccomp.Compiler.Policy;

namespace Seccomp.Generators
{
    /// <summary>The kind of value a <c>[SeccompPolicy]</c> property takes, which says how each reader reads it.</summary>
    internal enum SettingKind
    {
        /// <summary>A <c>SeccompAction</c>; read as its number (an int).</summary>
        Action,
        /// <summary>An <c>Errno</c>; read as its number (an int).</summary>
        Errno,
        /// <summary>A bool.</summary>
        Bool,
        /// <summary>A <c>SeccompArch[]</c>; read as an <see cref="IReadOnlyList{SeccompArch}"/>, null for every architecture.</summary>
        Architectures,
        /// <summary>A <c>string[]</c>; read as an <see cref="IReadOnlyList{String}"/> (null entries dropped), or null.</summary>
        Names,
    }

    /// <summary>One property of <c>[SeccompPolicy]</c>: its name, the kind of value, its default, and the core's name for it.</summary>
    internal sealed class PolicyAttributeProperty
    {
        public PolicyAttributeProperty(string name, SettingKind kind, object? defaultValue, PolicyProperty meaning)
        {
            Name = name;
            Kind = kind;
            Default = defaultValue;
            Meaning = meaning;
        }

        public string Name { get; }
        public SettingKind Kind { get; }

        /// <summary>The value when the attribute does not set it (from AttributeDefaults, which the attribute class shares).</summary>
        public object? Default { get; }

        /// <summary>What the compiler core calls it in diagnostics (<see cref="PolicyProperty.None"/> when it never reports on it).</summary>
        public PolicyProperty Meaning { get; }
    }

    /// <summary>
    /// The policy-wide settings as the compiler core and the generated class use them: the model's fields, and
    /// <see cref="LogDenied"/>, which only the installer needs.
    /// </summary>
    internal sealed class PolicySettings
    {
        public SeccompVerdict DefaultAction { get; set; }
        public SeccompVerdict BadArchAction { get; set; }
        public SeccompVerdict UnknownSyscalls { get; set; }
        public EquatableArray<SeccompArch> Architectures { get; set; } = EquatableArray<SeccompArch>.Empty;
        public EquatableArray<string>? HotSyscalls { get; set; }
        public bool LogDenied { get; set; }

        public PolicyModel ToModel(EquatableArray<RuleModel> rules) =>
            new(DefaultAction, BadArchAction, UnknownSyscalls, Architectures, rules, HotSyscalls);

        public static PolicySettings Of(PolicyModel model, bool logDenied) => new()
        {
            DefaultAction = model.DefaultAction,
            BadArchAction = model.BadArchAction,
            UnknownSyscalls = model.UnknownSyscallAction,
            Architectures = model.Architectures,
            HotSyscalls = model.HotSyscalls,
            LogDenied = logDenied,
        };
    }

    /// <summary>
    /// One setting of a policy: the attribute properties it is declared with, how their values make the model's field,
    /// and the key and value it is serialized as in the policy's document (<see cref="PolicyDocument"/>).
    /// </summary>
    internal sealed class PolicySetting
    {
        private readonly Action<PolicySettings, Func<string, object?>> _fromAttribute;
        private readonly Func<PolicySettings, object?> _write;
        private readonly Action<PolicySettings, object?> _read;

        public PolicySetting(string key, PolicyAttributeProperty[] properties, Action<PolicySettings, Func<string, object?>> fromAttribute,
            Func<PolicySettings, object?> write, Action<PolicySettings, object?> read)
        {
            Key = key;
            Properties = properties;
            _fromAttribute = fromAttribute;
            _write = write;
            _read = read;
        }

        /// <summary>The key in the serialized policy.</summary>
        public string Key { get; }

        public IReadOnlyList<PolicyAttributeProperty> Properties { get; }

        /// <summary>Sets the model's field from the properties' values (each one's default where the attribute does not set it).</summary>
        public void FromAttribute(PolicySettings settings, Func<string, object?> value) => _fromAttribute(settings, value);

        /// <summary>The JSON value to write, or null to leave the key out (a setting older readers did not know, at its default).</summary>
        public object? Write(PolicySettings settings) => _write(settings);

        /// <summary>Sets the model's field from the serialized value (null when the key is absent: the default).</summary>
        public void Read(PolicySettings settings, object? value) => _read(settings, value);
    }

    /// <summary>
    /// The one description of a policy's settings: for each, the <c>[SeccompPolicy]</c> property (or properties) it is
    /// written with, the default, the model's field and the serialized key. The syntax reader, the bound reader, the
    /// writer of the generated policy source and its reader are all driven by it, so a new setting is one entry here
    /// (plus the attribute's property and the model's field).
    /// </summary>
    internal static class PolicySchema
    {
        private static PolicyAttributeProperty Prop(string name, SettingKind kind, object? defaultValue, PolicyProperty meaning = PolicyProperty.None) =>
            new(name, kind, defaultValue, meaning);

        private static readonly PolicyAttributeProperty s_defaultAction = Prop(KnownNames.DefaultAction, SettingKind.Action, (int)AttributeDefaults.DefaultAction, PolicyProperty.DefaultAction);
        private static readonly PolicyAttributeProperty s_defaultErrno = Prop(KnownNames.DefaultErrno, SettingKind.Errno, AttributeDefaults.DefaultErrno, PolicyProperty.DefaultErrno);
        private static readonly PolicyAttributeProperty s_badArch = Prop(KnownNames.BadArchAction, SettingKind.Action, (int)AttributeDefaults.BadArchAction, PolicyProperty.BadArchAction);
        private static readonly PolicyAttributeProperty s_unknown = Prop(KnownNames.UnknownSyscalls, SettingKind.Action, (int)AttributeDefaults.UnknownSyscalls, PolicyProperty.UnknownSyscalls);
        private static readonly PolicyAttributeProperty s_unknownErrno = Prop(KnownNames.UnknownSyscallsErrno, SettingKind.Errno, AttributeDefaults.UnknownSyscallsErrno, PolicyProperty.UnknownSyscallsErrno);
        private static readonly PolicyAttributeProperty s_archs = Prop(KnownNames.Architectures, SettingKind.Architectures, null, PolicyProperty.Architectures);
        private static readonly PolicyAttributeProperty s_hot = Prop(KnownNames.HotSyscalls, SettingKind.Names, null);
        private static readonly PolicyAttributeProperty s_logDenied = Prop(KnownNames.LogDenied, SettingKind.Bool, AttributeDefaults.LogDenied);

        /// <summary>The settings in the order they are serialized (the order of version 1 of the document).</summary>
        public static readonly IReadOnlyList<PolicySetting> Settings = new[]
        {
            new PolicySetting("logDenied", new[] { s_logDenied },
                (s, v) => s.LogDenied = (bool)v(s_logDenied.Name)!,
                s => s.LogDenied,
                (s, j) => s.LogDenied = j == null ? AttributeDefaults.LogDenied : PolicyJson.AsBool(j, "logDenied")),
            new PolicySetting("default", new[] { s_defaultAction, s_defaultErrno },
                (s, v) => s.DefaultAction = PolicyReader.VerdictOf((SeccompAction)(int)v(s_defaultAction.Name)!, (int)v(s_defaultErrno.Name)!),
                s => VerdictJson(s.DefaultAction),
                (s, j) => s.DefaultAction = j == null ? PolicyReader.VerdictOf(AttributeDefaults.DefaultAction, AttributeDefaults.DefaultErrno) : ReadVerdict(j, "default")),
            new PolicySetting("badArch", new[] { s_badArch },
                // No errno of its own: an ERRNO bad-architecture action answers EPERM.
                (s, v) => s.BadArchAction = PolicyReader.VerdictOf((SeccompAction)(int)v(s_badArch.Name)!, AttributeDefaults.DefaultErrno),
                s => VerdictJson(s.BadArchAction),
                (s, j) => s.BadArchAction = j == null ? PolicyReader.VerdictOf(AttributeDefaults.BadArchAction, AttributeDefaults.DefaultErrno) : ReadVerdict(j, "badArch")),
            new PolicySetting("unknown", new[] { s_unknown, s_unknownErrno },
                (s, v) => s.UnknownSyscalls = PolicyReader.VerdictOf((SeccompAction)(int)v(s_unknown.Name)!, (int)v(s_unknownErrno.Name)!),
                s => VerdictJson(s.UnknownSyscalls),
                (s, j) => s.UnknownSyscalls = j == null ? PolicyReader.VerdictOf(AttributeDefaults.UnknownSyscalls, AttributeDefaults.UnknownSyscallsErrno) : ReadVerdict(j, "unknown")),
            new PolicySetting("architectures", new[] { s_archs },
                (s, v) => s.Architectures = EquatableArray.From(((IReadOnlyList<SeccompArch>?)v(s_archs.Name) ?? AllArchitectures).ToArray()),
                s => s.Architectures.Select(a => (object?)a.ToString()).ToList(),
                (s, j) => s.Architectures = EquatableArray.From((j == null ? AllArchitectures : ReadArchitectures(j)).ToArray())),
            new PolicySetting("hotSyscalls", new[] { s_hot },
                (s, v) => s.HotSyscalls = v(s_hot.Name) is IReadOnlyList<string> hot ? EquatableArray.From(hot.ToArray()) : null,
                // Left out when it is the built-in profile: a policy without it is written as version 1 always was.
                s => s.HotSyscalls is { } hot ? hot.Select(h => (object?)h).ToList() : null,
                (s, j) => s.HotSyscalls = j == null ? null : EquatableArray.From(PolicyJson.AsArray(j, "hotSyscalls").Select(h => PolicyJson.AsString(h, "hotSyscalls")).ToArray())),
        };

        /// <summary>Every property of <c>[SeccompPolicy]</c>, in the order of <see cref="Settings"/>.</summary>
        public static readonly IReadOnlyList<PolicyAttributeProperty> Properties = Settings.SelectMany(s => s.Properties).ToArray();

        private static readonly Dictionary<string, PolicyAttributeProperty> s_byName = Properties.ToDictionary(p => p.Name, StringComparer.Ordinal);

        private static IReadOnlyList<SeccompArch> AllArchitectures => ArchInfo.All.Select(a => a.Arch).ToArray();

        /// <summary>The property of that name, or null: <c>[SeccompPolicy]</c> has no other.</summary>
        public static PolicyAttributeProperty? Property(string name) => s_byName.TryGetValue(name, out var p) ? p : null;

        /// <summary>The attribute's name for a setting the core reports on (for diagnostics' text).</summary>
        public static string? Spell(PolicyProperty meaning) => Properties.FirstOrDefault(p => p.Meaning == meaning && meaning != PolicyProperty.None)?.Name;

        /// <summary>The settings from the values an attribute sets (by property name); a property it does not set has its default.</summary>
        public static PolicySettings FromAttribute(IReadOnlyDictionary<string, object?> values)
        {
            var settings = new PolicySettings();
            object? Value(string name) => values.TryGetValue(name, out var v) ? v : s_byName[name].Default;
            foreach (var setting in Settings) setting.FromAttribute(settings, Value);
            return settings;
        }

        /// <summary>The settings as the document's key/value pairs, in schema order.</summary>
        public static List<KeyValuePair<string, object?>> ToDocument(PolicySettings settings)
        {
            var pairs = new List<KeyValuePair<string, object?>>();
            foreach (var setting in Settings)
                if (setting.Write(settings) is { } value) pairs.Add(new(setting.Key, value));
            return pairs;
        }

        /// <summary>The settings a document holds; a key it does not have is the default. FormatException for a malformed value.</summary>
        public static PolicySettings FromDocument(PolicyDocument document)
        {
            var settings = new PolicySettings();
            foreach (var setting in Settings) setting.Read(settings, document.Setting(setting.Key, out _));
            return settings;
        }

        private static object VerdictJson(SeccompVerdict v) => PolicyDocument.Verdict(v.Action, v.Data);

        private static SeccompVerdict ReadVerdict(object j, string what)
        {
            var (action, data) = PolicyDocument.ReadVerdict(j, what);
            return SeccompVerdict.Of(action, data);
        }

        private static IReadOnlyList<SeccompArch> ReadArchitectures(object j) =>
            PolicyJson.AsArray(j, "architectures").Select(a =>
            {
                string name = PolicyJson.AsString(a, "architectures");
                return PolicyDocument.TryArch(name, out var arch) ? arch : throw new FormatException($"architectures: unknown architecture '{name}'");
            }).ToArray();
    }
}
