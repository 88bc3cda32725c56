namespace Seccomp.Generators
{
    /// <summary>
    /// One declaration of a type that carries an attribute named like one of Seccomp's, as its syntax shows it: the
    /// type's metadata name (the same for every part of a partial type), whether this part has <c>[SeccompPolicy]</c>,
    /// and the policy read from the syntax alone, or null when the syntax does not settle it and the attributes must
    /// be bound. Strings and records only, so the step stays cached across edits of other files.
    /// </summary>
    internal sealed record PolicyDeclaration(string MetadataName, bool IsPolicy, PolicyTarget? Target);
}
