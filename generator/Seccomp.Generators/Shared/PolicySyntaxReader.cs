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
    internal static class PolicySyntaxReader
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

        /// <summary>A type declaration with attributes: what the generator looks at, syntax only.</summary>
        public static bool IsAttributedType(SyntaxNode node) => node is TypeDeclarationSyntax { AttributeLists.Count: > 0 };

        /// <summary>A global using alias: what may rename a Seccomp attribute, or take one of its names, in every file.</summary>
        public static bool IsGlobalAlias(SyntaxNode node) =>
            node is UsingDirectiveSyntax { Alias: not null } u && !u.GlobalKeyword.IsKind(SyntaxKind.None);

        public static AttributeAlias GlobalAlias(UsingDirectiveSyntax alias) =>
            new(Strip(alias.Alias!.Name.Identifier.ValueText), SimpleName(alias.Name) ?? "");

        /// <summary>Every global using alias of a compilation (for the analyzers, which see no pipeline).</summary>
        public static IReadOnlyList<AttributeAlias> GlobalAliases(Compilation compilation, CancellationToken ct)
        {
            var aliases = new List<AttributeAlias>();
            foreach (var tree in compilation.SyntaxTrees)
                if (tree.GetRoot(ct) is CompilationUnitSyntax unit)
                    foreach (var u in unit.Usings)
                        if (IsGlobalAlias(u)) aliases.Add(GlobalAlias(u));
            return aliases;
        }

        /// <summary>Whether a type declaration carries an attribute named SeccompPolicy, as written (no alias followed).</summary>
        public static bool NamesPolicy(SyntaxNode node) =>
            node is TypeDeclarationSyntax { AttributeLists.Count: > 0 } type
            && type.AttributeLists.Any(l => l.Attributes.Any(a => SimpleName(a.Name) == PolicyName));

        /// <summary>What the generator needs to know of one attributed type declaration (<see cref="IsAttributedType"/>).</summary>
        public static PolicyDeclaration Declaration(TypeDeclarationSyntax type, CancellationToken ct)
        {
            var names = new List<string>();
            foreach (var list in type.AttributeLists)
                foreach (var attribute in list.Attributes)
                    if (SimpleName(attribute.Name) is { } n && !names.Contains(n)) names.Add(n);
            bool aliased = names.Any(LocalAliases(type).Contains);
            var target = type is ClassDeclarationSyntax cls && names.Contains(PolicyName) && !aliased ? TryRead(cls, ct) : null;
            return new PolicyDeclaration(MetadataName(type), type is ClassDeclarationSyntax, EquatableArray.From(names.ToArray()), aliased, target);
        }

        /// <summary>
        /// One entry per type that may be a policy, from all attributed declarations and the global aliases. It keeps the
        /// policy read from the syntax when that reading is the whole story: the type's Seccomp attributes are all on
        /// one declaration and no alias is involved. Otherwise its <see cref="PolicyDeclaration.Target"/> is null: bind it.
        /// </summary>
        public static IEnumerable<PolicyDeclaration> Policies(IReadOnlyList<PolicyDeclaration> all, IReadOnlyList<AttributeAlias> globalAliases)
        {
            // Aliases of Seccomp's attributes, and aliases of those aliases (to a fixed point).
            var policyAliases = new HashSet<string>(StringComparer.Ordinal);
            var ourAliases = new HashSet<string>(StringComparer.Ordinal);
            for (bool grew = true; grew;)
            {
                grew = false;
                foreach (var a in globalAliases)
                {
                    if ((a.Target == PolicyName || policyAliases.Contains(a.Target)) && policyAliases.Add(a.Name)) grew = true;
                    if ((IsOurs(a.Target) || ourAliases.Contains(a.Target)) && ourAliases.Add(a.Name)) grew = true;
                }
            }
            // A global alias that takes one of the names a policy uses changes what it means in every file.
            bool shadowed = globalAliases.Any(a => s_reserved.Contains(a.Name));
            bool IsPart(PolicyDeclaration d) => d.MustBind || d.AttributeNames.Any(n => IsOurs(n) || ourAliases.Contains(n));
            bool MayBePolicy(PolicyDeclaration d) =>
                d.IsClass && (d.MustBind || d.AttributeNames.Any(n => n == PolicyName || policyAliases.Contains(n)));

            var parts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var d in all)
                if (IsPart(d)) parts[d.MetadataName] = parts.TryGetValue(d.MetadataName, out int n) ? n + 1 : 1;
            var done = new HashSet<string>(StringComparer.Ordinal);
            foreach (var d in all)
            {
                if (!MayBePolicy(d) || !done.Add(d.MetadataName)) continue;
                bool settled = !shadowed && d.Target != null && parts[d.MetadataName] == 1 && !d.AttributeNames.Any(ourAliases.Contains);
                yield return settled ? d : d with { Target = null };
            }
        }

        private static bool IsOurs(string simpleName) => simpleName == PolicyName || s_ruleNames.Contains(simpleName);

        /// <summary>
        /// The aliases in scope of a declaration, from its file and enclosing namespaces, whatever they name: one may name
        /// a Seccomp attribute, or a global alias of one, which only binding follows.
        /// </summary>
        private static HashSet<string> LocalAliases(TypeDeclarationSyntax type)
        {
            var aliases = new HashSet<string>(StringComparer.Ordinal);
            for (var node = type.Parent; node != null; node = node.Parent)
            {
                var usings = node switch
                {
                    BaseNamespaceDeclarationSyntax n => n.Usings,
                    CompilationUnitSyntax u => u.Usings,
                    _ => default,
                };
                foreach (var u in usings)
                    if (u.Alias != null)
                        aliases.Add(Strip(u.Alias.Name.Identifier.ValueText));
            }
            return aliases;
        }

        private static string Strip(string name) =>
            name.Length > AttributeSuffix.Length && name.EndsWith(AttributeSuffix, StringComparison.Ordinal) ? name.Substring(0, name.Length - AttributeSuffix.Length) : name;

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
            int defaultAction = (int)AttributeDefaults.DefaultAction, badArch = (int)AttributeDefaults.BadArchAction,
                unknown = (int)AttributeDefaults.UnknownSyscalls;
            int defaultErrno = AttributeDefaults.DefaultErrno, unknownErrno = AttributeDefaults.UnknownSyscallsErrno;
            List<SeccompArch>? archs = null;
            EquatableArray<string>? hot = null;

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var arg in Arguments(policy))
            {
                // [SeccompPolicy] has no constructor parameters: every argument sets a property, once.
                if (arg.NameEquals == null || arg.NameColon != null) return null;
                string property = arg.NameEquals.Name.Identifier.ValueText;
                if (!seen.Add(property)) return null;
                var value = arg.Expression;
                bool ok = property switch
                {
                    KnownNames.DefaultAction => Enum(value, nameof(SeccompAction), s_actions, imported, out defaultAction),
                    KnownNames.BadArchAction => Enum(value, nameof(SeccompAction), s_actions, imported, out badArch),
                    KnownNames.UnknownSyscalls => Enum(value, nameof(SeccompAction), s_actions, imported, out unknown),
                    KnownNames.DefaultErrno => Errno(value, imported, out defaultErrno),
                    KnownNames.UnknownSyscallsErrno => Errno(value, imported, out unknownErrno),
                    KnownNames.LogDenied => Bool(value, out logDenied),
                    KnownNames.Architectures => Architectures(value, imported, out archs),
                    KnownNames.HotSyscalls => Strings(value, dropNulls: true, out var h) && Assign(h == null ? null : EquatableArray.From(h.ToArray()), out hot),
                    _ => false,
                };
                if (!ok) return null;
            }

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

            return new PolicyModel(
                PolicyReader.VerdictOf((SeccompAction)defaultAction, defaultErrno),
                PolicyReader.VerdictOf((SeccompAction)badArch, AttributeDefaults.DefaultErrno),
                PolicyReader.VerdictOf((SeccompAction)unknown, unknownErrno),
                EquatableArray.From((archs ?? ArchInfo.All.Select(a => a.Arch).ToList()).ToArray()),
                EquatableArray.From(ruleModels),
                hot);
        }

        private static IEnumerable<AttributeArgumentSyntax> Arguments(AttributeSyntax attribute) =>
            attribute.ArgumentList?.Arguments ?? Enumerable.Empty<AttributeArgumentSyntax>();

        private static bool Assign<T>(T value, out T target)
        {
            target = value;
            return true;
        }

        /// <summary>The type's metadata name as the syntax gives it (<c>Ns.Outer`1+Policy</c>): the same for every part of a partial type.</summary>
        public static string MetadataName(TypeDeclarationSyntax type)
        {
            var parts = new List<string>();
            string name = type.Identifier.ValueText + Arity(type);
            for (var node = type.Parent; node != null; node = node.Parent)
            {
                if (node is TypeDeclarationSyntax t) name = t.Identifier.ValueText + Arity(t) + "+" + name;
                else if (node is BaseNamespaceDeclarationSyntax n) parts.Insert(0, NamespaceValueText(n.Name));
            }
            parts.Add(name);
            return string.Join(".", parts);
        }

        /// <summary>A namespace name as the compiler reads it: identifiers' values (no @, no escapes, no trivia), dotted.</summary>
        private static string NamespaceValueText(NameSyntax name) => name switch
        {
            QualifiedNameSyntax q => NamespaceValueText(q.Left) + "." + NamespaceValueText(q.Right),
            SimpleNameSyntax s => s.Identifier.ValueText,
            AliasQualifiedNameSyntax a => a.Name.Identifier.ValueText,
            _ => name.ToString(),
        };

        private static string Arity(TypeDeclarationSyntax t) =>
            t.TypeParameterList is { Parameters.Count: > 0 } p ? "`" + p.Parameters.Count : "";

        // --- names -------------------------------------------------------------------------------------------------

        /// <summary>The attribute's rightmost name less the Attribute suffix, or null for a generic or other form.</summary>
        private static string? SimpleName(NameSyntax? name)
        {
            var right = name switch
            {
                IdentifierNameSyntax i => i,
                QualifiedNameSyntax q => q.Right as IdentifierNameSyntax,
                AliasQualifiedNameSyntax a => a.Name as IdentifierNameSyntax,
                _ => null,
            };
            return right == null ? null : Strip(right.Identifier.ValueText);
        }

        /// <summary>The attribute's simple name when its form can only mean Seccomp's type of that name, else null.</summary>
        private static string? SeccompName(NameSyntax name, bool imported)
        {
            bool seccomp = name switch
            {
                IdentifierNameSyntax i => imported && Plain(i.Identifier),
                QualifiedNameSyntax { Right: IdentifierNameSyntax r } q => Plain(r.Identifier) && IsSeccompNamespace(q.Left),
                _ => false,
            };
            return seccomp ? SimpleName(name) : null;
        }

        /// <summary><c>Seccomp</c> or <c>global::Seccomp</c>.</summary>
        private static bool IsSeccompNamespace(SyntaxNode node) => node switch
        {
            IdentifierNameSyntax i => i.Identifier.Text == KnownNames.Namespace,
            AliasQualifiedNameSyntax a => a.Alias.Identifier.IsKind(SyntaxKind.GlobalKeyword) && a.Name is IdentifierNameSyntax n && n.Identifier.Text == KnownNames.Namespace,
            _ => false,
        };

        /// <summary>
        /// Whether <c>using Seccomp;</c> is in scope (<paramref name="imported"/>); false when an alias in scope renames
        /// one of the names a policy uses, which only binding can follow.
        /// </summary>
        private static bool ImportsSeccomp(List<SyntaxList<UsingDirectiveSyntax>> scopes, out bool imported)
        {
            imported = false;
            foreach (var scope in scopes)
                foreach (var u in scope)
                {
                    if (u.Alias != null)
                    {
                        if (s_reserved.Contains(u.Alias.Name.Identifier.ValueText)) return false;
                        continue;
                    }
                    if (!u.StaticKeyword.IsKind(SyntaxKind.None)) continue;
                    if (u.Name != null && IsSeccompNamespace(u.Name)) imported = true;
                }
            return true;
        }

        private static bool Plain(SyntaxToken identifier) => identifier.Text == identifier.ValueText && !identifier.ContainsDiagnostics;

        private static bool NamespaceName(NameSyntax name, out string text)
        {
            text = "";
            switch (name)
            {
                case IdentifierNameSyntax i when Plain(i.Identifier):
                    text = i.Identifier.ValueText;
                    return true;
                case QualifiedNameSyntax { Right: IdentifierNameSyntax r } q when Plain(r.Identifier) && NamespaceName(q.Left, out string left):
                    text = left + "." + r.Identifier.ValueText;
                    return true;
                default:
                    return false;
            }
        }

        private static bool TypeParameters(TypeDeclarationSyntax t, out string text)
        {
            text = "";
            if (t.TypeParameterList is not { Parameters.Count: > 0 } list) return true;
            if (list.Parameters.Any(p => !Plain(p.Identifier))) return false;
            text = "<" + string.Join(", ", list.Parameters.Select(p => p.Identifier.ValueText)) + ">";
            return true;
        }

        private static string Keyword(TypeDeclarationSyntax t) => t switch
        {
            RecordDeclarationSyntax r => r.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "record struct" : "record",
            StructDeclarationSyntax => "struct",
            InterfaceDeclarationSyntax => "interface",
            _ => "class",
        };

        // --- values ------------------------------------------------------------------------------------------------

        /// <summary><c>Enum.Member</c>, <c>Seccomp.Enum.Member</c> or <c>global::Seccomp.Enum.Member</c>, for a member the enum defines.</summary>
        private static bool Enum(ExpressionSyntax e, string enumName, Dictionary<string, int> members, bool imported, out int value)
        {
            value = 0;
            return EnumMember(e, enumName, imported) is { } member && members.TryGetValue(member, out value);
        }

        private static string? EnumMember(ExpressionSyntax e, string enumName, bool imported)
        {
            if (e is not MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression, Name: IdentifierNameSyntax member } access
                || !Plain(member.Identifier))
                return null;
            bool typeOk = access.Expression switch
            {
                IdentifierNameSyntax t => imported && t.Identifier.Text == enumName,
                MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression, Name: IdentifierNameSyntax t } q =>
                    t.Identifier.Text == enumName && IsSeccompNamespace(q.Expression),
                _ => false,
            };
            return typeOk ? member.Identifier.ValueText : null;
        }

        private static bool Errno(ExpressionSyntax e, bool imported, out int errno)
        {
            errno = 0;
            return EnumMember(e, KnownNames.Errno, imported) is { } name && ErrnoNames.TryGetNumber(name, out errno);
        }

        private static bool Architectures(ExpressionSyntax e, bool imported, out List<SeccompArch>? archs)
        {
            archs = null;
            if (e.IsKind(SyntaxKind.NullLiteralExpression)) return true;
            if (Elements(e) is not { } elements) return false;
            archs = new List<SeccompArch>();
            foreach (var element in elements)
            {
                if (!Enum(element, nameof(SeccompArch), s_archs, imported, out int a)) return false;
                if (!archs.Contains((SeccompArch)a)) archs.Add((SeccompArch)a);
            }
            return true;
        }

        /// <summary>A string array written out (or null): <c>new[] { "a" }</c>, <c>new string[] { }</c>, <c>["a"]</c>.</summary>
        private static bool Strings(ExpressionSyntax e, bool dropNulls, out List<string>? strings)
        {
            strings = null;
            if (e.IsKind(SyntaxKind.NullLiteralExpression)) return true;
            if (Elements(e) is not { } elements) return false;
            strings = new List<string>();
            foreach (var element in elements)
            {
                if (!String(element, out string? s)) return false;
                if (s != null) strings.Add(s);
                else if (!dropNulls) return false;
            }
            return true;
        }

        private static IEnumerable<ExpressionSyntax>? Elements(ExpressionSyntax e)
        {
            switch (e)
            {
                case ImplicitArrayCreationExpressionSyntax i:
                    return i.Initializer.Expressions;
                case ArrayCreationExpressionSyntax { Initializer: { } init } a when a.Type.RankSpecifiers.Count == 1
                    && a.Type.RankSpecifiers[0].Sizes.All(s => s is OmittedArraySizeExpressionSyntax):
                    return init.Expressions;
                case CollectionExpressionSyntax c when c.Elements.All(x => x is ExpressionElementSyntax):
                    return c.Elements.Cast<ExpressionElementSyntax>().Select(x => x.Expression);
                default:
                    return null;
            }
        }

        /// <summary>A string literal (regular, verbatim or raw) or null.</summary>
        private static bool String(ExpressionSyntax e, out string? value)
        {
            value = null;
            if (e.IsKind(SyntaxKind.NullLiteralExpression)) return true;
            if (e is not LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } literal || literal.Token.ContainsDiagnostics)
                return false;
            value = literal.Token.ValueText;
            return true;
        }

        private static bool Bool(ExpressionSyntax e, out bool value)
        {
            value = e.IsKind(SyntaxKind.TrueLiteralExpression);
            return value || e.IsKind(SyntaxKind.FalseLiteralExpression);
        }

        private static bool UShort(ExpressionSyntax e, out int value)
        {
            value = 0;
            if (e is not LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NumericLiteralExpression } literal
                || literal.Token.Value is not int i || i < 0 || i > ushort.MaxValue)
                return false;
            value = i;
            return true;
        }

        private static Dictionary<string, int> EnumValues<T>() where T : struct, System.Enum
        {
            var d = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (T v in System.Enum.GetValues(typeof(T))) d[v.ToString()] = Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture);
            return d;
        }
    }
}
