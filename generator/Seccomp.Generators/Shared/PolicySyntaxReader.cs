using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Seccomp.Compiler;
using Seccomp.Compiler.Analysis;
using Seccomp.Compiler.Policy;

namespace Seccomp.Generators
{
    /// <summary>
    /// Reads a policy from its attributes' syntax, without binding anything, when the syntax settles what the bound
    /// attributes would say: every attribute on the class is one of Seccomp's, named plainly under <c>using Seccomp;</c>
    /// or qualified with <c>Seccomp.</c>/<c>global::Seccomp.</c>, and every argument is a literal, a literal array or an
    /// enum member written <c>SeccompAction.Allow</c>. Anything else (a constant, a cast, an alias of one of the names,
    /// another attribute) returns null, and the generator binds the attributes as the analyzers do.
    /// </summary>
    /// <remarks>
    /// Why: binding is what a cold build pays most for, and the first binding in a compilation pays for loading the
    /// referenced assemblies' symbols, which the compiler needs anyway. Reading the literals leaves that to the compiler.
    /// Aliases of the attributes, local or global, and global aliases that take one of the names a policy uses, make
    /// the generator bind. What the syntax cannot show (a type of the same name declared in the policy's namespace)
    /// the analyzers catch: they read every policy both ways and report SECC0012 where the two differ.
    /// </remarks>
    internal static partial class PolicySyntaxReader
    {
        private const string PolicyName = KnownNames.PolicyAttributeShortName;
        private const string AttributeSuffix = "Attribute";
        private static readonly HashSet<string> s_ruleNames = new(KnownNames.RuleAttributeShortNames, StringComparer.Ordinal);

        // Names whose alias would change what the policy's names mean: the namespace, the attributes (either spelling)
        // and the enums a policy's values name.
        private static readonly HashSet<string> s_reserved = Reserved();

        private static HashSet<string> Reserved()
        {
            var names = new HashSet<string>(StringComparer.Ordinal) { KnownNames.Namespace, nameof(SeccompAction), nameof(SeccompArch), KnownNames.Errno };
            foreach (var n in KnownNames.RuleAttributeShortNames.Concat(new[] { PolicyName }))
            {
                names.Add(n);
                names.Add(n + AttributeSuffix);
            }
            return names;
        }

        private static readonly Dictionary<string, int> s_actions = EnumValues<SeccompAction>();
        private static readonly Dictionary<string, int> s_archs = EnumValues<SeccompArch>();
        /// <summary>
        /// The policy this one declaration declares, as the bound attributes would give it, or null when its syntax does
        /// not settle that. The caller makes sure no other declaration of the type carries attributes.
        /// </summary>
        public static PolicyTarget? TryRead(ClassDeclarationSyntax cls, CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            if (cls.Modifiers.Any(SyntaxKind.FileKeyword) || !Plain(cls.Identifier)) return null;

            // Where the class is: its namespace and the types around it, as the symbol would spell them.
            var containers = new List<string>();
            var containerNames = new List<string>();
            var namespaces = new List<string>();
            var usingScopes = new List<SyntaxList<UsingDirectiveSyntax>>();
            for (var node = cls.Parent; node != null; node = node.Parent)
            {
                switch (node)
                {
                    case TypeDeclarationSyntax t:
                        if (t.Modifiers.Any(SyntaxKind.FileKeyword) || !Plain(t.Identifier)) return null;
                        if (!TypeParameters(t, out string tps)) return null;
                        containers.Insert(0, $"partial {Keyword(t)} {t.Identifier.ValueText}{tps}");
                        containerNames.Insert(0, t.Identifier.ValueText + tps);
                        break;
                    case BaseNamespaceDeclarationSyntax n:
                        if (!NamespaceName(n.Name, out string ns)) return null;
                        namespaces.Insert(0, ns);
                        usingScopes.Add(n.Usings);
                        break;
                    case CompilationUnitSyntax unit:
                        usingScopes.Add(unit.Usings);
                        break;
                    default:
                        return null;
                }
            }
            if (!ImportsSeccomp(usingScopes, out bool imported)) return null;
            if (!TypeParameters(cls, out string classTps)) return null;

            // The attributes: all Seccomp's, the policy attribute once.
            AttributeSyntax? policy = null;
            var rules = new List<(AttributeSyntax Syntax, string Name)>();
            foreach (var list in cls.AttributeLists)
            {
                if (list.Target != null && !list.Target.Identifier.IsKind(SyntaxKind.TypeKeyword)) return null;
                foreach (var attribute in list.Attributes)
                {
                    string? name = SeccompName(attribute.Name, imported);
                    if (name == PolicyName)
                    {
                        if (policy != null) return null;
                        policy = attribute;
                    }
                    else if (name != null && s_ruleNames.Contains(name)) rules.Add((attribute, name));
                    else return null;
                }
            }
            if (policy == null) return null;

            var model = ReadModel(policy, rules, imported, out bool logDenied);
            if (model == null) return null;

            string? nsName = namespaces.Count == 0 ? null : string.Join(".", namespaces);
            string className = cls.Identifier.ValueText + classTps;
            string full = string.Join(".", (nsName == null ? Enumerable.Empty<string>() : new[] { nsName }).Concat(containerNames).Concat(new[] { className }));
            return new PolicyTarget(nsName, EquatableArray.From(containers), className, full, PolicyTargetReader.HintName(full),
                logDenied, model, false, EquatableArray.From(rules.Select(r => PolicyTargetReader.SourceOf(r.Syntax)).ToArray()));
        }

        private static PolicyModel? ReadModel(AttributeSyntax policy, List<(AttributeSyntax Syntax, string Name)> rules, bool imported, out bool logDenied)
        {
            logDenied = AttributeDefaults.LogDenied;
            // Each property set once, its value read as its kind says (PolicySchema); the rest take their defaults there.
            var set = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var arg in Arguments(policy))
            {
                // [SeccompPolicy] has no constructor parameters: every argument sets a property, once.
                if (arg.NameEquals == null || arg.NameColon != null) return null;
                var property = PolicySchema.Property(arg.NameEquals.Name.Identifier.ValueText);
                if (property == null || set.ContainsKey(property.Name) || !Value(property.Kind, arg.Expression, imported, out object? value)) return null;
                set[property.Name] = value;
            }
            var settings = PolicySchema.FromAttribute(set);
            logDenied = settings.LogDenied;

            var ruleModels = new List<RuleModel>(rules.Count);
            for (int i = 0; i < rules.Count; i++)
            {
                var (syntax, name) = rules[i];
                var names = new List<string>();
                string? when = null;
                int errno = AttributeDefaults.DenyErrno, data = AttributeDefaults.Data;
                bool thread = AttributeDefaults.KillThread;
                var args = Arguments(syntax).ToList();
                var positional = args.Where(a => a.NameEquals == null).ToList();
                if (positional.Any(a => a.NameColon != null)) return null;
                // params string[]: the names one by one, or one array of them.
                if (positional.Count == 1 && positional[0].Expression is not LiteralExpressionSyntax)
                {
                    if (!Strings(positional[0].Expression, dropNulls: false, out var list) || list == null) return null;
                    names.AddRange(list);
                }
                else
                {
                    foreach (var p in positional)
                    {
                        if (!String(p.Expression, out string? s) || s == null) return null;
                        names.Add(s);
                    }
                }
                var seenRule = new HashSet<string>(StringComparer.Ordinal);
                foreach (var arg in args.Where(a => a.NameEquals != null))
                {
                    string property = arg.NameEquals!.Name.Identifier.ValueText;
                    if (!seenRule.Add(property)) return null;
                    bool ok = (property, name) switch
                    {
                        (KnownNames.WhenProperty, _) => String(arg.Expression, out when),
                        (KnownNames.Errno, "Deny") => Errno(arg.Expression, imported, out errno),
                        (KnownNames.Thread, "Kill") => Bool(arg.Expression, out thread),
                        (KnownNames.Data, "Trap" or "Trace") => UShort(arg.Expression, out data),
                        _ => false,
                    };
                    if (!ok) return null;
                }
                ruleModels.Add(new RuleModel(i, PolicyReader.RuleVerdict(name + AttributeSuffix, errno, thread, data), EquatableArray.From(names), when));
            }

            return settings.ToModel(EquatableArray.From(ruleModels));
        }

        private static IEnumerable<AttributeArgumentSyntax> Arguments(AttributeSyntax attribute) =>
            attribute.ArgumentList?.Arguments ?? Enumerable.Empty<AttributeArgumentSyntax>();
    }
}
