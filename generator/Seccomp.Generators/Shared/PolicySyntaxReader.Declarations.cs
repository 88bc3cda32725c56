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
    // Which declarations may be policies, and whether their syntax alone settles them (see PolicySyntaxReader.cs).
    internal static partial class PolicySyntaxReader
    {
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
    }
}
