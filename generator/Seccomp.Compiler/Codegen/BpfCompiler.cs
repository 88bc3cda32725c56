using System;
using System.Collections.Generic;
using System.Linq;
using Seccomp.Compiler.Bpf;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Diagnostics;
using Seccomp.Compiler.Policy;

namespace Seccomp.Compiler.Codegen
{
    /// <summary>
    /// Compiles a resolved policy into a seccomp program:
    /// <code>
    ///   ld [arch]; jeq AUDIT_ARCH ? next : bad-arch      architecture first
    ///   ld [nr]; jeq #hot ... (the profile's hottest)    no argument loaded, so the kernel's action cache can
    ///   tree of jge over ranges of numbers               serve every call whose action does not depend on one
    ///                                                    (see Dispatch: laid out for a frequency profile)
    ///   ret ...                                          one shared RET per action
    ///   per-syscall blocks                               conditions, most restrictive action first
    /// </code>
    /// </summary>
    internal static class BpfCompiler
    {
        /// <summary>The program, or null with the reasons added to <paramref name="diagnostics"/>.</summary>
        public static BpfInstruction[]? Compile(ResolvedPolicy policy, List<PolicyDiagnostic> diagnostics) =>
            Compile(policy, diagnostics, out _);

        /// <summary>The program, and where the runtime writes the process's pid into it (SELF_PID; usually none).</summary>
        public static BpfInstruction[]? Compile(ResolvedPolicy policy, List<PolicyDiagnostic> diagnostics, out int[] processIdSlots)
        {
            processIdSlots = System.Array.Empty<int>();
            var arch = policy.Arch;
            var asm = new Assembler();
            var retLabels = new SortedDictionary<SeccompVerdict, int>();
            int RetLabel(SeccompVerdict v)
            {
                if (!retLabels.TryGetValue(v, out int l)) retLabels[v] = l = asm.NewLabel();
                return l;
            }

            var blocks = new Dictionary<Block, int>();
            var blockOrder = new List<Block>();
            int HandlerLabel(Handler h)
            {
                if (h.Block == null) return RetLabel(h.Pure);
                if (!blocks.TryGetValue(h.Block, out int l))
                {
                    blocks[h.Block] = l = asm.NewLabel();
                    blockOrder.Add(h.Block);
                }
                return l;
            }

            asm.Stmt(Op.LD | Op.W | Op.ABS, Op.OffsetArch);
            int dispatch = asm.NewLabel();
            asm.Jump(Op.JMP | Op.JEQ | Op.K, arch.AuditArch, dispatch, RetLabel(policy.BadArchAction));
            asm.Bind(dispatch);
            asm.Stmt(Op.LD | Op.W | Op.ABS, Op.OffsetNr);

            var plan = PlanDispatch(policy);
            foreach (int nr in plan.Hot)
            {
                int next = asm.NewLabel();
                asm.Jump(Op.JMP | Op.JEQ | Op.K, (uint)nr, HandlerLabel(HandlerFor(policy, nr)), next);
                asm.Bind(next);
            }
            if (plan.Leaves.Count == 1)
                asm.Ja(HandlerLabel(plan.Leaves[0].Handler));
            else
                EmitTree(asm, plan, HandlerLabel);

            foreach (var kv in retLabels.ToList())
            {
                asm.Bind(kv.Value);
                asm.Stmt(Op.RET | Op.K, kv.Key.ToKernel());
            }

            foreach (var block in blockOrder)
                EmitBlock(asm, block, blocks[block], arch.BigEndian);

            var program = asm.Assemble(Op.MaxInstructions, out int size);
            if (program == null)
            {
                diagnostics.Add(new(DiagnosticIds.ProgramTooLarge,
                    $"The {arch.Name} program needs at least {size} instructions; the kernel accepts at most {Op.MaxInstructions}. "
                    + "Merge rules, or move conditions on rarely used calls into a second policy applied later.",
                    PolicyLocation.Policy()));
                return null;
            }
            // Never emit what the verifier has not passed: a generated program the kernel would refuse is a bug here.
            var problems = BpfVerifier.Verify(program);
            foreach (var e in problems)
                diagnostics.Add(new(DiagnosticIds.VerifierFailure, $"internal error: the {arch.Name} program fails verification: {e}", PolicyLocation.Policy()));
            processIdSlots = asm.ProcessIdSlots.ToArray();
            return problems.Count > 0 ? null : program.ToArray();
        }

        /// <summary>What a syscall number leads to: a fixed verdict, or a block of conditions.</summary>
        private sealed record Handler(SeccompVerdict Pure, Block? Block);

        /// <summary>Condition groups in order of restrictiveness; the first that holds decides, else Fallback.</summary>
        private sealed record Block(EquatableArray<Group> Groups, SeccompVerdict Fallback);

        /// <summary>An action and the conditions of its rules, any of which selects it (each bounded by the parser's limits).</summary>
        private sealed record Group(SeccompVerdict Action, EquatableArray<Condition> Conditions);

        private static Handler HandlerFor(ResolvedPolicy policy, int nr)
        {
            var rules = policy.RulesFor(nr);
            if (rules.Count == 0) return new Handler(policy.DefaultAction, null);

            // Most restrictive first; the first rule that matches is then the one that wins. Stop at the first
            // unconditional rule: nothing after it can decide.
            // Ties are broken by the condition's text, not the attribute's position, so the bytes do not depend on order.
            var ordered = rules.OrderBy(r => r.Action).ThenBy(r => r.Condition?.ToString() ?? "", StringComparer.Ordinal).ToList();
            // The conditions of one action stay a list: an OR chain of them would be as deep as the policy is long.
            var groups = new List<(SeccompVerdict Action, List<Condition> Conditions)>();
            SeccompVerdict fallback = policy.DefaultAction;
            foreach (var rule in ordered)
            {
                if (rule.Condition == null || rule.Condition is ConstCondition { Value: true })
                {
                    fallback = rule.Action;
                    break;
                }
                if (rule.Condition is ConstCondition { Value: false }) continue;
                if (groups.Count > 0 && groups[groups.Count - 1].Action == rule.Action)
                    groups[groups.Count - 1].Conditions.Add(rule.Condition);
                else
                    groups.Add((rule.Action, new List<Condition> { rule.Condition }));
            }
            // A last group with the fallback's verdict decides nothing.
            while (groups.Count > 0 && groups[groups.Count - 1].Action == fallback)
                groups.RemoveAt(groups.Count - 1);
            if (groups.Count == 0) return new Handler(fallback, null);
            return new Handler(default, new Block(EquatableArray.From(groups.Select(g => new Group(g.Action, EquatableArray.From(g.Conditions)))), fallback));
        }

        /// <summary>The dispatch for the policy's profile: see <see cref="Dispatch"/>.</summary>
        private static Dispatch.Plan<Handler> PlanDispatch(ResolvedPolicy policy)
        {
            var arch = policy.Arch;
            var handlers = new Handler[arch.MaxSyscall + 1];
            for (int nr = 0; nr <= arch.MaxSyscall; nr++)
                handlers[nr] = HandlerFor(policy, nr);
            var unknown = new Handler(policy.UnknownSyscallAction, null);
            var tail = new List<KeyValuePair<uint, Handler>> { new((uint)arch.MaxSyscall + 1, unknown) };
            if (arch.PrivateBase >= 0)
            {
                // arm's private calls (0x0f0001 cacheflush ... 0x0f0006 get_tls) are a second, small table far above
                // the first: each number its own range, the gaps around them unknown.
                for (int nr = arch.PrivateBase; nr <= arch.MaxPrivateSyscall; nr++)
                    tail.Add(new((uint)nr, arch.IsKnownNumber((uint)nr) ? HandlerFor(policy, nr) : unknown));
                tail.Add(new((uint)arch.MaxPrivateSyscall + 1, unknown));
            }
            if (arch.HasX32)
            {
                // x32 calls carry bit 30 and the same audit arch: they are a foreign ABI here. -1 is left to the
                // unknown-call action: it is what a tracer sets to skip a call, never a real syscall.
                tail.Add(new(ArchInfo.X32SyscallBit, new Handler(policy.BadArchAction, null)));
                tail.Add(new(uint.MaxValue, unknown));
            }
            return Dispatch.Choose(handlers, tail, policy.Profile, EqualityComparer<Handler>.Default);
        }

        /// <summary>The range tree, one JGE per node on the number alone, laid out in preorder without recursion.</summary>
        private static void EmitTree(Assembler asm, Dispatch.Plan<Handler> plan, Func<Handler, int> handlerLabel)
        {
            var leaves = plan.Leaves;
            var stack = new Stack<(int Lo, int Hi, int Label)>();
            stack.Push((0, leaves.Count - 1, asm.NewLabel()));
            while (stack.Count > 0)
            {
                var (lo, hi, self) = stack.Pop();
                asm.Bind(self);
                int mid = plan.Root(lo, hi);
                int left = lo == mid - 1 ? handlerLabel(leaves[lo].Handler) : asm.NewLabel();
                int right = mid == hi ? handlerLabel(leaves[hi].Handler) : asm.NewLabel();
                asm.Jump(Op.JMP | Op.JGE | Op.K, leaves[mid].Start, right, left);
                // The left subtree follows its parent (its JGE falls through to it); the right one comes after it.
                if (mid != hi) stack.Push((mid, hi, right));
                if (lo != mid - 1) stack.Push((lo, mid - 1, left));
            }
        }

        private static void EmitBlock(Assembler asm, Block block, int label, bool bigEndian)
        {
            var emitter = new ConditionEmitter(asm, Op.OffsetNr, bigEndian);
            emitter.Bind(label);
            var rets = new SortedDictionary<SeccompVerdict, int>();
            int Ret(SeccompVerdict v)
            {
                if (!rets.TryGetValue(v, out int l)) rets[v] = l = asm.NewLabel();
                return l;
            }
            foreach (var group in block.Groups)
            {
                int next = asm.NewLabel();
                emitter.CompileAny(group.Conditions, Ret(group.Action), next);
                emitter.Bind(next);
            }
            emitter.Ret(block.Fallback.ToKernel());
            foreach (var kv in rets)
            {
                emitter.Bind(kv.Value);
                emitter.Ret(kv.Key.ToKernel());
            }
        }
    }
}
