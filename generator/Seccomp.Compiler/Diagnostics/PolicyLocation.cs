namespace Seccomp.Compiler.Diagnostics
{
    /// <summary>
    /// Where in the declared policy a diagnostic belongs: a rule (<see cref="RuleIndex"/>, -1 for the policy
    /// attribute), and in it a name, characters of the condition, or a setting. Indices into the declaration, not source
    /// positions, so the core stays free of Roslyn; the analyzers map them onto the source.
    /// </summary>
    internal readonly record struct PolicyLocation(
        int RuleIndex,
        LocationSite Site,
        int NameIndex = -1,
        int Start = 0,
        int Length = 0,
        PolicyProperty Property = PolicyProperty.None)
    {
        public static PolicyLocation Policy(PolicyProperty property = PolicyProperty.None) => new(-1, LocationSite.Policy, Property: property);
    }
}
