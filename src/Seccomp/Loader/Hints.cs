using Seccomp.Common;

namespace Seccomp
{
    /// <summary>
    /// The likely cause of a failed install and what to do, appended to <see cref="SeccompError.Message"/>: a filter
    /// installed earlier that denies the install, a feature the kernel lacks, a thread in another seccomp state.
    /// </summary>
    internal static class Hints
    {
        public const string SeccompRule = "[Allow(\"seccomp\", When = \"op in (SECCOMP_SET_MODE_FILTER, SECCOMP_GET_ACTION_AVAIL)\")]";

        public const string AllowSeccompInFirstPolicy =
            "Likely cause: the policy installed first denies seccomp(2), so no later policy can be installed. "
            + "What to do: add " + SeccompRule + " to that first policy (build diagnostic SECC0052 shows where)";

        public const string MissingFeature =
            "Likely cause: this kernel is older than the feature (see the README's fallback table). What to do: remove the rule or "
            + "option that needs it, or set SeccompOptions.AllowWeakerFallbacks where the README lists a weaker fallback";

        public const string OtherSeccompState =
            "Likely cause: a thread of this process is in another seccomp state (it installed a filter of its own, or is in strict "
            + "mode), so TSYNC cannot give every thread the same filters. What to do: apply the policy before any code installs "
            + "a filter on one thread only, or from a thread whose filters the others share";

        public static string ForNoNewPrivs(int errno) => errno switch
        {
            NativeMethods.EINVAL => ". Likely cause: the kernel predates no_new_privs (Linux 3.5), so it has no seccomp filters either",
            _ when FilterCount() > 0 => $". Likely cause: a seccomp filter installed earlier ({FilterText()}) denies prctl. "
                + "What to do: allow it in that policy with [Allow(\"prctl\", When = \"option == PR_SET_NO_NEW_PRIVS\")]",
            _ => "",
        };

        public static string ForInstall(int errno)
        {
            int filters = FilterCount();
            return errno switch
            {
                NativeMethods.ESRCH => ". " + OtherSeccompState,
                (NativeMethods.EPERM or NativeMethods.EACCES) when filters > 0 =>
                    $". Likely cause: a seccomp filter installed earlier ({FilterText()}) denies seccomp(2). What to do: add "
                    + SeccompRule + " to the policy installed first (build diagnostic SECC0052 shows where)",
                NativeMethods.EACCES => ". Likely cause: no_new_privs is not set and the process lacks CAP_SYS_ADMIN",
                NativeMethods.EINVAL when Mode() == 1 => ". Likely cause: the thread is in strict seccomp mode, which admits no filter",
                NativeMethods.EINVAL => ". Likely cause: the kernel lacks a requested filter flag or has no seccomp filters (CONFIG_SECCOMP_FILTER)",
                NativeMethods.ENOMEM => $". Likely cause: the filters of this process together ({FilterText()}) exceed the kernel's 32768 instructions per call path",
                _ when filters > 0 => $". A seccomp filter is installed already ({FilterText()}); it may deny seccomp(2): " + SeccompRule + " in it lets the install through",
                _ => "",
            };
        }

        private static string FilterText()
        {
            int n = FilterCount();
            return n > 0 ? $"Seccomp_filters: {n}" : "Seccomp: 2";
        }

        /// <summary>Seccomp_filters: from /proc/self/status (Linux 5.9+); 1 when only "Seccomp: 2" says so; 0 when none or unknown.</summary>
        internal static int FilterCount()
        {
            if (!SeccompStatus.TryReadSelf(out int mode, out int filters))
                return 0; // the filter may deny reading it: then nothing is claimed
            if (filters >= 0) return filters;
            return mode == 2 ? 1 : 0;
        }

        private static int Mode() => SeccompStatus.TryReadSelf(out int mode, out _) ? mode : -1;
    }
}
