using System;
using System.Collections.Generic;

namespace Seccomp
{
    /// <summary>How <c>Apply()</c> installs a policy.</summary>
    public sealed class SeccompOptions
    {
        /// <summary>
        /// Complain mode: every denying action (kill, trap, errno, notify, trace) becomes LOG, so the service runs and
        /// the kernel writes an audit line (<c>type=1326 ... syscall=N</c>) for each call the policy would deny.
        /// </summary>
        public bool Complain { get; set; }

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
