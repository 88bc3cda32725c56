using System;
using System.Collections.Generic;

namespace Seccomp
{
    /// <summary>How <c>Apply()</c> installs a policy.</summary>
    public sealed class SeccompOptions
    {
        /// <summary>
        /// Complain mode: every call the policy would deny (kill, trap, errno, notify, trace) runs, and is reported by the
        /// process itself: a supervisor thread receives it (SECCOMP_RET_USER_NOTIF), lets it continue
        /// (SECCOMP_USER_NOTIF_FLAG_CONTINUE) and reports it through <see cref="OnViolation"/> or standard error
        /// (docs/reports.md). Where the kernel cannot (before Linux 5.7, or when another filter of the process holds the
        /// listener) the denying actions become LOG, the kernel writes an audit line (<c>type=1326 ... syscall=N</c>), and
        /// <see cref="OnFallback"/> says so. Set only from code or from configuration the application passes: no
        /// environment variable turns it on.
        /// </summary>
        public bool Complain { get; set; }

        /// <summary>
        /// Enforce the policy and report what it denies, from inside the process: every call the policy would kill, trap
        /// or fail with an errno goes to a supervisor thread, which reports it (<see cref="OnViolation"/>, or a line on
        /// standard error) and then answers as the policy says: ERRNO fails the call with its errno; KILL_PROCESS,
        /// KILL_THREAD and TRAP end the process with SIGSYS, the status the kernel's kill gives, once the report is
        /// written (or <see cref="ViolationReportTimeout"/> has passed). Calls the policy allows never reach the
        /// supervisor. Where the kernel cannot supervise, the policy is enforced by the kernel alone and
        /// <see cref="OnFallback"/> says so (docs/reports.md).
        /// </summary>
        public bool ReportViolations { get; set; }

        /// <summary>
        /// Where reports of denied calls go (<see cref="Complain"/> or <see cref="ReportViolations"/>): called on a
        /// thread of its own, never on the thread that made the call. Per (call, action) the first
        /// <see cref="SeccompViolation.DetailedPerCall"/> come with their arguments, then a count every
        /// <see cref="ViolationSummaryInterval"/>. A callback that throws is reported once on standard error and called
        /// again for the next report; one that hangs delays only later reports, never an answer to a call. When null,
        /// reports are written to standard error, one line each (<see cref="SeccompViolation.ToString"/>).
        /// </summary>
        public Action<SeccompViolation>? OnViolation { get; set; }

        /// <summary>How often counts of repeated denied calls are reported (10 seconds by default; at least 100 ms).</summary>
        public TimeSpan ViolationSummaryInterval { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>
        /// How long a call the policy kills waits for its report to be written before the process ends (2 seconds by
        /// default, at most 30): a report sink that hangs delays the end by this much, never more.
        /// </summary>
        public TimeSpan ViolationReportTimeout { get; set; } = TimeSpan.FromSeconds(2);

        /// <summary>Have the kernel log every action but ALLOW (SECCOMP_FILTER_FLAG_LOG).</summary>
        public bool LogDenied { get; set; }

        /// <summary>
        /// Accept a weaker filter when the kernel lacks a feature (LOG becomes ALLOW; without TSYNC only the calling
        /// thread is filtered). Off by default: a missing feature then fails the install.
        /// </summary>
        public bool AllowWeakerFallbacks { get; set; }

        /// <summary>
        /// Ask the kernel for a user-notification listener fd (SECCOMP_FILTER_FLAG_NEW_LISTENER), returned in
        /// <see cref="SeccompInstallation.ListenerFd"/>, for a supervisor to answer the policy's Notify rules.
        /// </summary>
        public bool CreateListener { get; set; }

        /// <summary>Called once per process for each fallback taken (also listed in <see cref="SeccompInstallation.Fallbacks"/>).
        /// When null, fallbacks are written to standard error.</summary>
        public Action<SeccompFallback>? OnFallback { get; set; }

        /// <summary>
        /// Called once per process with each warning about what surrounds the policy, without failing the install: the
        /// process runs as root or with CAP_SYS_ADMIN/CAP_SYS_PTRACE while its policy lets it open files (docs/limits.md).
        /// When null, warnings are written to standard error.
        /// </summary>
        public Action<string>? OnWarning { get; set; }

        /// <summary>Where feature detection asks; the running kernel by default. Tests replace it to act out an older kernel.</summary>
        public ISeccompFeatureProbe? Probe { get; set; }

        internal static SeccompOptions Default => new();
    }
}
