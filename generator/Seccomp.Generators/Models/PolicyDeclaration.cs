using Seccomp.Compiler;

namespace Seccomp.Generators
{
    /// <summary>
    /// One declaration of a type that carries attributes, as its syntax shows it: the type's metadata name (the same for
    /// every part of a partial type), whether it is a class, the simple names of its attributes (less the Attribute
    /// suffix), whether its syntax has something only binding can follow (a local alias of a Seccomp attribute, or a
    /// reader that failed), and, for a class with
    /// <c>[SeccompPolicy]</c>, the policy read from the syntax alone (null when the syntax does not settle it). Strings
    /// and records only, so the step stays cached across edits of other files.
    /// </summary>
    internal sealed record PolicyDeclaration(
        string MetadataName,
        bool IsClass,
        EquatableArray<string> AttributeNames,
        bool MustBind,
        PolicyTarget? Target);
}
