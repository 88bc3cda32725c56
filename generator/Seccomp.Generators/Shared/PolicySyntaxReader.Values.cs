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
    // Values: literals, literal arrays and enum members, read as the compiler would bind them.
    internal static partial class PolicySyntaxReader
    {
        /// <summary>A <c>[SeccompPolicy]</c> property's value as its kind says, as the bound reader would read it; false when the syntax does not settle it.</summary>
        private static bool Value(SettingKind kind, ExpressionSyntax e, bool imported, out object? value)
        {
            value = null;
            bool ok;
            switch (kind)
            {
                case SettingKind.Action:
                    ok = Enum(e, nameof(SeccompAction), s_actions, imported, out int action);
                    value = action;
                    return ok;
                case SettingKind.Errno:
                    ok = Errno(e, imported, out int errno);
                    value = errno;
                    return ok;
                case SettingKind.Bool:
                    ok = Bool(e, out bool b);
                    value = b;
                    return ok;
                case SettingKind.Architectures:
                    ok = Architectures(e, imported, out var archs);
                    value = archs;
                    return ok;
                case SettingKind.Names:
                    ok = Strings(e, dropNulls: true, out var names);
                    value = names;
                    return ok;
                default:
                    return false;
            }
        }

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
