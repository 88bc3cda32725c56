using System.Collections.Generic;
using System.Linq;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Diagnostics;

namespace Seccomp.Compiler.Analysis
{
    /// <summary>
    /// Calls the .NET runtime needs to keep running (SECC0042; <see cref="SandboxFacts.RuntimeNeeds"/>) that the
    /// policy denies for every argument, and thread creation (clone3 denied with anything but ENOSYS, or clone denied
    /// the flags of a new thread), blamed on the rule entry that denies them, else on the default action.
    /// </summary>
    internal static class RuntimeNeedsChecks
    {
        public static void Run(AnalysisState state)
        {
            // Who denies what: an entry with an unconditional denying rule, or the default action (null).
            var byEntry = new Dictionary<RuleEntry, List<(string Syscall, string Reason, string Arch)>>();
            var entryOrder = new List<RuleEntry>();
            var byDefault = new List<(string Syscall, string Reason, string Arch)>();

            void Blame(ArchState arch, int nr, string syscall, string reason, int where)
            {
                var sets = arch.Sets;
                var deniers = arch.At(nr).Where(p => PolicyAnalysis.IsDenying(p.Verdict.Action) && sets.IsSubset(where, p.Set))
                    .OrderBy(p => p.Verdict).ToList();
                if (deniers.Count > 0)
                {
                    var e = deniers[0].Entry;
                    if (!byEntry.TryGetValue(e, out var list)) { byEntry[e] = list = new(); entryOrder.Add(e); }
                    list.Add((syscall, reason, arch.Info.Name));
                }
                else
                {
                    byDefault.Add((syscall, reason, arch.Info.Name));
                }
            }

            foreach (var arch in state.Archs)
            {
                var sets = arch.Sets;
                foreach (var need in SandboxFacts.RuntimeNeeds)
                {
                    state.Ct.ThrowIfCancellationRequested();
                    if (!arch.Info.TryGetNumber(need.Syscall, out int nr)) continue;
                    var outcomes = state.Outcomes(arch, nr);
                    if (outcomes.All(o => PolicyAnalysis.IsDenying(o.Verdict.Action)))
                        Blame(arch, nr, need.Syscall, need.Reason, ArgumentSets.True);
                }

                // Threads: glibc tries clone3 and falls back to clone only when clone3 fails with ENOSYS.
                bool has3 = arch.Info.TryGetNumber("clone3", out int nr3);
                if (has3)
                {
                    var o3 = state.Outcomes(arch, nr3);
                    if (o3.Any(o => !PolicyAnalysis.IsDenying(o.Verdict.Action))) continue;
                    if (o3.Any(o => o.Verdict != SeccompVerdict.Errno(38)))
                    {
                        var v = o3.Where(o => o.Verdict != SeccompVerdict.Errno(38)).Select(o => o.Verdict).Min();
                        Blame(arch, nr3, "clone3",
                            $"glibc creates threads with clone3 and falls back to clone only when clone3 fails with ENOSYS, not with {PolicyText.Verdict(v)}: "
                            + "the runtime cannot start threads; deny clone3 with Errno = Errno.ENOSYS", ArgumentSets.True);
                        continue;
                    }
                }
                if (!arch.Info.TryGetNumber("clone", out int nrClone)) continue;
                var parameters = Signatures.Get("clone", arch.Info.Arch);
                int flagsSlot = SandboxFacts.CloneFlagsSlot(parameters);
                var flagsType = parameters != null && parameters.Count > flagsSlot ? parameters[flagsSlot].Type : ArgType.Unknown64;
                int thread = sets.MaskedInRange(flagsSlot, flagsType.Bits, flagsType.WidthMask, SandboxFacts.ThreadCloneFlags, SandboxFacts.ThreadCloneFlags);
                int allowedClone = sets.Union(state.Outcomes(arch, nrClone).Where(o => !PolicyAnalysis.IsDenying(o.Verdict.Action)).Select(o => o.Set));
                if (!sets.IsSubset(thread, allowedClone))
                    Blame(arch, nrClone, "clone",
                        (has3 ? "clone3 fails with ENOSYS, so glibc creates threads with clone, " : "glibc creates threads with clone, ")
                        + $"but clone with the flags of a new thread ({SandboxFacts.ThreadCloneFlagsText}) is denied: the runtime cannot start threads",
                        sets.Minus(thread, allowedClone));
            }

            foreach (var e in entryOrder)
            {
                var list = byEntry[e];
                state.Add(DiagnosticIds.RuntimeNeedsSyscall,
                    $"{PolicyText.Subject(e.Rule, e.NameIndex)} denies {Needs(state, list)}", e.Rule.Index,
                    e.Rule.Syscalls.Count == 1 ? LocationSite.Policy : LocationSite.SyscallName, name: e.Rule.Syscalls.Count == 1 ? -1 : e.NameIndex);
            }
            if (byDefault.Count > 0)
            {
                state.Add(DiagnosticIds.RuntimeNeedsSyscall,
                    $"The default action {PolicyText.Verdict(state.Default)} denies {Needs(state, byDefault)}; allow them, e.g. with [Allow(\"@dotnet-runtime\")]",
                    PolicyLocation.Policy(PolicyProperty.DefaultAction));
            }
        }

        /// <summary>"futex and mmap, which the .NET runtime needs: every lock ...; the GC heap ..." with the architectures when not all.</summary>
        private static string Needs(AnalysisState state, List<(string Syscall, string Reason, string Arch)> list)
        {
            var names = new List<string>();
            foreach (var g in list.GroupBy(x => x.Syscall))
            {
                var archs = g.Select(x => x.Arch).Distinct().ToList();
                names.Add(archs.Count < state.Archs.Count ? $"{g.Key} (on {PolicyText.List(archs)})" : g.Key);
            }
            var reasons = list.Select(x => x.Reason).Distinct().ToList();
            return $"{PolicyText.List(names)}, which the .NET runtime needs to keep running: {string.Join("; ", reasons)}";
        }
    }
}
