using System.Collections.Generic;
using System.Threading;
using Seccomp.Compiler.Analysis;
using Seccomp.Compiler.Codegen;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Diagnostics;
using Seccomp.Compiler.Policy;

namespace Seccomp.Compiler
{
    /// <summary>
    /// The one entry point of the policy compiler: a declared policy in, its diagnostics and its programs out.
    /// <code>
    ///   PolicyModel ─ check ─▶ errors? ─ resolve per architecture ─▶ ResolvedPolicy ─ codegen + verify ─▶ program
    ///                                  └─ analysis (findings) ◀─ the same bound conditions
    /// </code>
    /// Each condition is parsed once and bound once per syscall and architecture (<see cref="ConditionBindings"/>).
    /// The generator and the analyzers run in one compiler process and ask about the same models: the last results
    /// are kept, keyed by the model's value, so the second asker does no work.
    /// </summary>
    internal static class PolicyCompiler
    {
        private static readonly RecentResults<PolicyModel, PolicyCompilation> s_recent = new(8);

        public static PolicyCompilation Compile(PolicyModel model, CancellationToken ct = default) =>
            s_recent.GetOrAdd(model, m => CompileCore(m, ct));

        private static PolicyCompilation CompileCore(PolicyModel model, CancellationToken ct)
        {
            var bindings = new ConditionBindings();
            var diagnostics = PolicyChecker.Check(model, bindings);
            var programs = new List<CompiledProgram>();
            if (!diagnostics.Exists(d => d.IsError))
            {
                foreach (var arch in model.Architectures)
                {
                    ct.ThrowIfCancellationRequested();
                    var resolved = PolicyResolver.Resolve(model, arch, bindings);
                    var program = BpfCompiler.Compile(resolved, diagnostics, out int[] slots);
                    if (program != null) programs.Add(new CompiledProgram(resolved, program, slots));
                }
                if (!diagnostics.Exists(d => d.IsError))
                    diagnostics.AddRange(PolicyAnalysis.Analyze(model, bindings, ct));
                else
                    programs.Clear();
            }
            return new PolicyCompilation(model, diagnostics, programs);
        }
    }
}
