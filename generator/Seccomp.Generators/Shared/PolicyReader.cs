using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Seccomp.Compiler;
using Seccomp.Compiler.Diagnostics;
using Seccomp.Compiler.Policy;

namespace Seccomp.Generators
{
    /// <summary>
    /// Attribute data to <see cref="PolicyModel"/>. One reader for the generator and the analyzers, so what the
    /// analyzers check is exactly what the generator compiles.
    /// </summary>
    internal static class PolicyReader
    {
        [System.Runtime.CompilerServices.MethodImpl((System.Runtime.CompilerServices.MethodImplOptions)512)] // AggressiveOptimization (not in netstandard2.0): runs a few times per compiler server, never tiers up
        public static ReadPolicy? Read(INamedTypeSymbol type)
        {
            var attributes = type.GetAttributes();
            if (attributes.Length == 0) return null;
            AttributeData? policyAttr = null;
            var rules = new List<AttributeData>(attributes.Length);
            // Names compared part by part, not through ToDisplayString: the analyzers ask this about every type.
            foreach (var attr in attributes)
            {
                var cls = attr.AttributeClass;
                if (cls == null) continue;
                if (IsSeccompType(cls, KnownNames.PolicyAttributeName)) policyAttr = attr;
                else if (cls.BaseType is { } b && IsSeccompType(b, KnownNames.RuleAttributeBaseName)) rules.Add(attr);
            }
            if (policyAttr == null) return null;

            var errors = new List<PolicyDiagnostic>();
            // Each property the attribute sets, read as its kind says (PolicySchema, in its order); the rest take their defaults there.
            var set = new Dictionary<string, object?>(System.StringComparer.Ordinal);
            foreach (var property in PolicySchema.Properties)
                foreach (var kv in policyAttr.NamedArguments)
                    if (kv.Key == property.Name)
                    {
                        set[property.Name] = BoundValue(property, kv.Value, errors);
                        break;
                    }
            var settings = PolicySchema.FromAttribute(set);

            var ruleModels = new List<RuleModel>();
            for (int i = 0; i < rules.Count; i++)
            {
                var attr = rules[i];
                var names = new List<string>();
                if (attr.ConstructorArguments.Length == 1 && attr.ConstructorArguments[0].Kind == TypedConstantKind.Array
                    && attr.ConstructorArguments[0].IsNull)
                {
                    errors.Add(new(DiagnosticIds.NullSyscallName, "The syscall list is null", new PolicyLocation(i, LocationSite.SyscallName, 0)));
                    names.Add("");
                }
                else if (attr.ConstructorArguments.Length == 1 && attr.ConstructorArguments[0].Kind == TypedConstantKind.Array)
                {
                    var values = attr.ConstructorArguments[0].Values;
                    for (int n = 0; n < values.Length; n++)
                    {
                        if (values[n].Value is string s) names.Add(s);
                        else
                        {
                            errors.Add(new(DiagnosticIds.NullSyscallName, "A syscall name is null", new PolicyLocation(i, LocationSite.SyscallName, n)));
                            names.Add("");
                        }
                    }
                }
                string? when = attr.NamedArguments.FirstOrDefault(kv => kv.Key == KnownNames.WhenProperty).Value.Value as string;
                ruleModels.Add(new RuleModel(i, RuleVerdict(attr), EquatableArray.From(names), when));
            }

            var model = settings.ToModel(EquatableArray.From(ruleModels));
            return new ReadPolicy(model, settings.LogDenied, rules, policyAttr, errors);
        }

        /// <summary>Whether <paramref name="t"/> is the top-level type Seccomp.<paramref name="name"/>.</summary>
        private static bool IsSeccompType(INamedTypeSymbol t, string name) =>
            t.Name == name && t.ContainingType == null
            && t.ContainingNamespace is { Name: KnownNames.Namespace } ns && ns.ContainingNamespace is { IsGlobalNamespace: true };

        /// <summary>
        /// A property's value from its typed constant, as <see cref="SettingKind"/> says. A cast can put any number in an
        /// enum; one the runtime does not define is an error, never a guess (the default is taken, and the policy is not
        /// generated).
        /// </summary>
        private static object? BoundValue(PolicyAttributeProperty property, TypedConstant value, List<PolicyDiagnostic> errors)
        {
            switch (property.Kind)
            {
                case SettingKind.Action:
                    int action = Number(value, (int)property.Default!);
                    if (action >= (int)SeccompAction.KillProcess && action <= (int)SeccompAction.Allow) return action;
                    errors.Add(new(DiagnosticIds.InvalidEnumValue, $"{property.Name} = {action} is not a SeccompAction", PolicyLocation.Policy(property.Meaning)));
                    return property.Default;
                case SettingKind.Errno:
                    return Number(value, (int)property.Default!);
                case SettingKind.Bool:
                    return value.Value is bool b ? b : property.Default;
                case SettingKind.Architectures:
                    if (value.Kind != TypedConstantKind.Array || value.IsNull) return null;
                    var archs = new List<SeccompArch>();
                    foreach (var v in value.Values)
                    {
                        if (v.Value is int a && a >= 0 && a < ArchInfo.All.Count)
                        {
                            if (!archs.Contains((SeccompArch)a)) archs.Add((SeccompArch)a);
                        }
                        else
                        {
                            errors.Add(new(DiagnosticIds.InvalidEnumValue, $"{property.Name}: {v.Value ?? "null"} is not a SeccompArch", PolicyLocation.Policy(property.Meaning)));
                        }
                    }
                    return archs;
                case SettingKind.Names:
                    // null: the built-in profile; an array (even empty): the policy's own. Null entries are dropped.
                    if (value.Kind != TypedConstantKind.Array || value.IsNull) return null;
                    return value.Values.Select(v => v.Value as string).Where(v => v != null).Select(v => v!).ToList();
                default:
                    return property.Default;
            }
        }

        private static int Number(TypedConstant value, int fallback) => value.Value switch
        {
            int i => i,
            bool b => b ? 1 : 0,
            ushort u => u,
            _ => fallback,
        };

        public static SeccompVerdict VerdictOf(SeccompAction kind, int errno) =>
            kind == SeccompAction.Errno ? new SeccompVerdict(kind, ClampErrno(errno)) : SeccompVerdict.Of(kind, 0);

        /// <summary>Out-of-range values stay visibly out of range (the checker reports them) rather than wrap to 0 or 1.</summary>
        private static ushort ClampErrno(int errno) => errno < 0 || errno > ushort.MaxValue ? ushort.MaxValue : (ushort)errno;

        private static SeccompVerdict RuleVerdict(AttributeData attr) =>
            RuleVerdict(attr.AttributeClass!.Name, Named(attr, KnownNames.Errno, AttributeDefaults.DenyErrno),
                Named(attr, KnownNames.Thread, AttributeDefaults.KillThread ? 1 : 0) != 0, Named(attr, KnownNames.Data, AttributeDefaults.Data));

        /// <summary>
        /// A rule attribute's verdict from its class name (<c>DenyAttribute</c>) and its settings; the one place that
        /// maps the attribute classes to actions, for the bound and the syntactic reader alike.
        /// </summary>
        public static SeccompVerdict RuleVerdict(string attributeClass, int errno, bool killThread, int data)
        {
            switch (attributeClass)
            {
                case "AllowAttribute": return SeccompVerdict.Allow;
                case "DenyAttribute": return new SeccompVerdict(SeccompAction.Errno, ClampErrno(errno));
                case "KillAttribute": return killThread ? new SeccompVerdict(SeccompAction.KillThread, 0) : SeccompVerdict.KillProcess;
                case "LogAttribute": return new SeccompVerdict(SeccompAction.Log, 0);
                case "TrapAttribute": return new SeccompVerdict(SeccompAction.Trap, (ushort)data);
                case "TraceAttribute": return new SeccompVerdict(SeccompAction.Trace, (ushort)data);
                case "NotifyAttribute": return new SeccompVerdict(SeccompAction.Notify, 0);
                default: return SeccompVerdict.KillProcess;
            }
        }

        private static int Named(AttributeData attr, string name, int fallback)
        {
            foreach (var kv in attr.NamedArguments)
            {
                if (kv.Key != name) continue;
                return kv.Value.Value switch
                {
                    int i => i,
                    bool b => b ? 1 : 0,
                    ushort u => u,
                    _ => fallback,
                };
            }
            return fallback;
        }
    }
}
