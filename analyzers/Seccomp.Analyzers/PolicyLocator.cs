using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Seccomp.Compiler.Diagnostics;
using Seccomp.Generators;

namespace Seccomp.Analyzers
{
    /// <summary>Turns a <see cref="PolicyLocation"/> (a place in the declaration) into a source location.</summary>
    internal sealed class PolicyLocator
    {
        private readonly ReadPolicy _policy;
        private readonly CancellationToken _ct;

        public PolicyLocator(ReadPolicy policy, CancellationToken ct)
        {
            _policy = policy;
            _ct = ct;
        }

        public Location Locate(PolicyLocation e)
        {
            var attr = e.RuleIndex >= 0 && e.RuleIndex < _policy.RuleAttributes.Count
                ? _policy.RuleAttributes[e.RuleIndex]
                : _policy.PolicyAttribute;
            if (attr.ApplicationSyntaxReference?.GetSyntax(_ct) is not AttributeSyntax syntax)
                return Location.None;

            switch (e.Site)
            {
                case LocationSite.SyscallName:
                    return NameArgument(syntax, e.NameIndex)?.GetLocation() ?? syntax.GetLocation();
                case LocationSite.Condition:
                    return ConditionLocation(syntax, e.Start, e.Length);
                case LocationSite.RuleProperty:
                case LocationSite.Policy when e.Property != PolicyProperty.None:
                    return Named(syntax, KnownNames.Spell(e.Property))?.GetLocation() ?? syntax.GetLocation();
                default:
                    return syntax.GetLocation();
            }
        }

        public static AttributeArgumentSyntax? Named(AttributeSyntax syntax, string name) =>
            syntax.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);

        /// <summary>The expression of the n-th syscall name, whether written as params or as one array.</summary>
        public static ExpressionSyntax? NameArgument(AttributeSyntax syntax, int index)
        {
            var positional = syntax.ArgumentList?.Arguments.Where(a => a.NameEquals == null && a.NameColon == null).ToList();
            if (positional == null || index < 0) return null;
            if (positional.Count == 1 && positional[0].Expression is ArrayCreationExpressionSyntax or ImplicitArrayCreationExpressionSyntax or CollectionExpressionSyntax)
            {
                var items = positional[0].Expression switch
                {
                    ArrayCreationExpressionSyntax a => a.Initializer?.Expressions.ToList(),
                    ImplicitArrayCreationExpressionSyntax i => i.Initializer.Expressions.ToList(),
                    CollectionExpressionSyntax c => c.Elements.OfType<ExpressionElementSyntax>().Select(x => x.Expression).ToList(),
                    _ => null,
                };
                return items != null && index < items.Count ? items[index] : positional[0].Expression;
            }
            return index < positional.Count ? positional[index].Expression : null;
        }

        public static Location ConditionLocation(AttributeSyntax syntax, int start, int length)
        {
            var arg = Named(syntax, KnownNames.WhenProperty);
            if (arg == null) return syntax.GetLocation();
            if (arg.Expression is LiteralExpressionSyntax literal && literal.IsKind(SyntaxKind.StringLiteralExpression))
            {
                var map = StringLiteralMap.Create(literal.Token);
                if (map != null)
                    return Location.Create(syntax.SyntaxTree, map.Map(start, length));
            }
            return arg.Expression.GetLocation();
        }
    }
}
