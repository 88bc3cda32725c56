using System;
using System.Linq;
using System.Threading;
using Seccomp.Compiler;
using Seccomp.Compiler.Bpf;

namespace Seccomp.Generators
{
    public sealed partial class SeccompGenerator
    {
        // The compiler server makes a new generator driver for every build: an unchanged policy gets the same EmitModel
        // instance back (and Emit's cached text with it).
        private static readonly RecentResults<PolicyTarget, EmitModel> s_models = new(8);

        private static EmitModel Compile(PolicyTarget target, CancellationToken ct) => s_models.GetOrAdd(target, t => CompileCore(t, ct));

        private static EmitModel CompileCore(PolicyTarget target, CancellationToken ct)
        {
            try
            {
                if (target.HasReadErrors)
                    return new EmitModel(target, EquatableArray<ProgramModel>.Empty, "the policy's attributes have errors");
                // The analyzers ask PolicyCompiler about the same model in the same compiler process: whichever asks
                // second gets the cached compilation.
                var compilation = PolicyCompiler.Compile(target.Model, ct);
                var error = compilation.Errors.FirstOrDefault();
                if (error != null)
                    return new EmitModel(target, EquatableArray<ProgramModel>.Empty, $"{error.Id}: {error.Render(KnownNames.Spell)}");

                var programs = compilation.Programs.Select(p => new ProgramModel(p.Arch, EquatableArray.From(p.ToBytes()),
                    new EquatableArray<string>(BpfDisassembler.Lines(p.Instructions, ArchInfo.Get(p.Arch))), EquatableArray.From(p.ProcessIdSlots.ToArray()))).ToArray();
                return new EmitModel(target, EquatableArray.From(programs), null);
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception ex)
            {
                // Never throw into the compiler: the generated members fail closed at run time and say why.
                return new EmitModel(target, EquatableArray<ProgramModel>.Empty, $"internal error in the seccomp generator: {ex.GetType().Name}: {ex.Message}");
            }
        }
    }
}
