namespace Seccomp.Generators
{
    /// <summary>
    /// Where a rule attribute is written: its file (as the compiler names it), its 1-based line and its text as written.
    /// For <c>dotnet-seccomp explain</c> and <c>check</c>; strings and ints only, so the model stays equatable.
    /// </summary>
    internal sealed record RuleSource(string Path, int Line, string Text);
}
