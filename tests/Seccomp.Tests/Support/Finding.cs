using Seccomp.Compiler.Diagnostics;

namespace Seccomp.Tests.Support;

/// <summary>A diagnostic flattened for assertions: its ID as Kind, and its location's fields.</summary>
internal sealed record Finding(string Kind, string Message, int RuleIndex, LocationSite Site, int NameIndex, int Start, int Length, PolicyProperty Property)
{
    public static Finding Of(PolicyDiagnostic d) =>
        new(d.Id, d.Message, d.Location.RuleIndex, d.Location.Site, d.Location.NameIndex, d.Location.Start, d.Location.Length, d.Location.Property);
}
