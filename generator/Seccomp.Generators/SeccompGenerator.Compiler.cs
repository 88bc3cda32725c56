using System;
using System.Linq;
using System.Threading;
using Seccomp.Compiler;
using Seccomp.Compiler.Bpf;

namespace Seccomp.Generators
{
    public sealed partial class SeccompGenerator
    {
        // The compiler server makes a new generator driver for every build: the last models are kept, keyed by the
        // target's value, so an unchanged policy gets the same EmitModel instance (and Emit's cached text) back.
        private const int ModelCacheSize = 8;
        private static readonly System.Collections.Generic.LinkedList<EmitModel> s_models = new();

        private static EmitModel Compile(PolicyTarget target, CancellationToken ct)
        {
            lock (s_models)
            {
                for (var node = s_models.First; node != null; node = node.Next)
                {
                    if (!node.Value.Target.Equals(target)) continue;
                    s_models.Remove(node);
                    s_models.AddFirst(node);
                    return node.Value;
                }
            }
            var model = CompileCore(target, ct);
            lock (s_models)
            {
                s_models.AddFirst(model);
                while (s_models.Count > ModelCacheSize) s_models.RemoveLast();
            }
            return model;
        }

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
                    new EquatableArray<string>(BpfDisassembler.Lines(p.Instructions, ArchInfo.Get(p.Arch))))).ToArray();
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
