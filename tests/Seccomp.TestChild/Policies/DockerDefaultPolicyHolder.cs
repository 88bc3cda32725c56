namespace Seccomp.TestChild;

/// <summary>Applies Docker's default profile (generated as attributes from shared/corpus/docker-default.json).</summary>
internal static class DockerDefaultPolicyHolder
{
    public static void Apply() => Seccomp.Tests.Policies.DockerDefaultPolicy.Apply();
}
