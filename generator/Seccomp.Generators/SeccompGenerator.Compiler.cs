using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Seccomp.Compiler;
using Seccomp.Compiler.Bpf;
using Seccomp.Compiler.Codegen;
using Seccomp.Compiler.Policy;

namespace Seccomp.Generators
{
    /// <summary>One architecture's finished program: its bytes and, for the comment beside them, its disassembly.</summary>
    public sealed record ProgramModel(TargetArch Arch, EquatableArray<byte> Bytes, EquatableArray<string> Disassembly);

    /// <summary>Everything the emitter writes. <see cref="Error"/> is set when the policy does not compile.</summary>
    public sealed record EmitModel(PolicyTarget Target, EquatableArray<ProgramModel> Programs, string? Error);

    public sealed partial class SeccompGenerator
    {
        private static EmitModel Compile(PolicyTarget target, CancellationToken ct)
        {
            try
            {
                if (target.HasReadErrors)
                    return new EmitModel(target, EquatableArray<ProgramModel>.Empty, "the policy's attributes have errors");
                var error = PolicyResolver.Check(target.Model).FirstOrDefault(e => e.IsError);
                if (error != null)
                    return new EmitModel(target, EquatableArray<ProgramModel>.Empty, $"{error.Id}: {error.Message}");

                var programs = new List<ProgramModel>();
                foreach (var arch in target.Model.Architectures)
                {
                    ct.ThrowIfCancellationRequested();
                    var result = BpfCompiler.Compile(PolicyResolver.Resolve(target.Model, arch));
                    if (result is CompileResult.Failure failure)
                    {
                        var first = failure.Errors[0];
                        return new EmitModel(target, EquatableArray<ProgramModel>.Empty, $"{first.Id}: {first.Message}");
                    }
                    var program = ((CompileResult.Success)result).Program;
                    var lines = new string[program.Count];
                    for (int pc = 0; pc < program.Count; pc++)
                        lines[pc] = BpfDisassembler.Format(program[pc], pc);
                    programs.Add(new ProgramModel(arch, EquatableArray.From(BpfInstruction.ToBytes(program)), new EquatableArray<string>(lines)));
                }
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
