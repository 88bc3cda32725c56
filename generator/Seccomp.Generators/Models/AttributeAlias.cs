namespace Seccomp.Generators
{
    /// <summary>
    /// A <c>global using Name = ...Target;</c> alias, both names as simple names less the Attribute suffix: it may make a
    /// Seccomp attribute go by another name in every file, or give one of Seccomp's names to something else.
    /// </summary>
    internal sealed record AttributeAlias(string Name, string Target);
}
