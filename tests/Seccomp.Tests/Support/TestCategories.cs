namespace Seccomp.Tests.Support;

/// <summary>
/// Trait values for the slow tests, so a quick loop can leave them out:
/// <c>dotnet test tests/Seccomp.Tests --filter "Category!=Kernel&amp;Category!=Oracle&amp;Category!=Package"</c>.
/// </summary>
internal static class TestCategories
{
    public const string Name = "Category";

    /// <summary>Installs filters on the real kernel, in child processes.</summary>
    public const string Kernel = nameof(Kernel);

    /// <summary>Compares with libseccomp (libseccomp.so.2).</summary>
    public const string Oracle = nameof(Oracle);

    /// <summary>Packs the NuGet package and builds an app from it.</summary>
    public const string Package = nameof(Package);
}
