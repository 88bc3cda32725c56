using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Seccomp.Compiler;
using Seccomp.Compiler.Analysis;
using Seccomp.Compiler.Diagnostics;
using Seccomp.Compiler.Policy;

namespace Seccomp.Analyzers.CodeFixes
{
    /// <summary>
    /// SECC0043: adds the rules that deny the equivalents of a denied call with the denial's own action (clone3: ENOSYS), each with the
    /// condition under which it does the same (<c>[Deny("unlinkat", When = "flag &amp; AT_REMOVEDIR")]</c> for a denied
    /// rmdir), on the lines after the attribute that denies.
    /// The core lists the rules (<see cref="EquivalentCallAnalysis.FixText"/>); this spells them in C#.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DenyEquivalentCodeFixProvider)), Shared]
    public sealed class DenyEquivalentCodeFixProvider : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.DenialBypassedByEquivalent);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root == null) return;
            foreach (var diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Properties.TryGetValue(PolicyAnalyzer.FixProperty, out var fix) || fix != FixKinds.DenyEquivalent) continue;
                if (!diagnostic.Properties.TryGetValue(PolicyAnalyzer.SuggestionProperty, out var text) || text == null) continue;
                if (EquivalentCallAnalysis.ParseFix(text) is not { } rules || rules.Count == 0) continue;
                var newRoot = AttributeInsertion.After(root, diagnostic.Location.SourceSpan, rules.Select(r => Spell(r.Kind, r.Data, r.Names, r.When)));
                if (newRoot == null) continue;
                var all = rules.SelectMany(r => r.Names).Distinct().ToList();
                context.RegisterCodeFix(CodeAction.Create($"Deny the equivalent calls too ({PolicyText.List(all)})",
                    ct => Task.FromResult(context.Document.WithSyntaxRoot(newRoot)), nameof(DenyEquivalentCodeFixProvider)),
                    diagnostic);
            }
        }

        /// <summary>The rule as an attribute: <c>[Deny("unlinkat", Errno = Errno.EACCES, When = "flag &amp; AT_REMOVEDIR")]</c>.</summary>
        internal static string Spell(SeccompAction kind, int data, IEnumerable<string> names, string? when)
        {
            var parts = names.Select(n => "\"" + n + "\"").ToList();
            switch (kind)
            {
                case SeccompAction.Errno when data != 1:
                    string name = ErrnoNames.Of(data);
                    // Errno's members are the kernel's names; an errno without a name is written as a cast.
                    parts.Add("Errno = " + (name.StartsWith("E", System.StringComparison.Ordinal) && name.All(c => char.IsUpper(c) || char.IsDigit(c))
                        ? "Errno." + name : "(Errno)" + data.ToString(CultureInfo.InvariantCulture)));
                    break;
                case SeccompAction.KillThread: parts.Add("Thread = true"); break;
                case SeccompAction.Trap when data != 0: parts.Add("Data = " + data.ToString(CultureInfo.InvariantCulture)); break;
            }
            if (when != null) parts.Add("When = \"" + when + "\"");
            return "[" + PolicyText.Attribute(kind) + "(" + string.Join(", ", parts) + ")]";
        }
    }
}
