using Xunit;

namespace Seccomp.Tool.Tests;

/// <summary>
/// Test classes that build or pack this repository's projects (a copy of an app against the runtime and generator, the
/// packages): one at a time, since two restores or builds of the same project at once write the same obj/ files.
/// </summary>
[CollectionDefinition(Name)]
public sealed class NestedBuilds
{
    public const string Name = "nested builds";
}
