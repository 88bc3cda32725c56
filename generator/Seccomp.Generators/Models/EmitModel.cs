using Seccomp.Compiler;

namespace Seccomp.Generators
{
    /// <summary>Everything the emitter writes. <see cref="Error"/> is set when the policy does not compile.</summary>
    internal sealed record EmitModel(PolicyTarget Target, EquatableArray<ProgramModel> Programs, string? Error);
}
