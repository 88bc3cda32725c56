using System;
using System.Collections.Generic;

namespace Seccomp
{
    /// <summary>Tells about each fallback once per process: through <see cref="SeccompOptions.OnFallback"/>, or one line on standard error.</summary>
    internal static class FallbackReporter
    {
        private static readonly HashSet<string> s_reported = new();

        /// <summary>Runs after the filter is in place: a failing callback or stream must not turn success into an error.</summary>
        public static void Report(IReadOnlyList<SeccompFallback> fallbacks, SeccompOptions options)
        {
            foreach (var f in fallbacks)
            {
                lock (s_reported)
                    if (!s_reported.Add(f.Feature + "->" + f.Substitute)) continue;
                try
                {
                    if (options.OnFallback != null) options.OnFallback(f);
                    else Console.Error.WriteLine(f.ToString());
                }
                catch (Exception)
                {
                    // The fallback is also in SeccompInstallation.Fallbacks.
                }
            }
        }

        /// <summary>A warning about what surrounds the policy, once per process; null is nothing to say.</summary>
        public static void Warn(string? warning, SeccompOptions options)
        {
            if (warning == null) return;
            lock (s_reported)
                if (!s_reported.Add("warning:" + warning)) return;
            try
            {
                if (options.OnWarning != null) options.OnWarning(warning);
                else Console.Error.WriteLine(warning);
            }
            catch (Exception)
            {
                // Reporting must never turn an installed policy into a failure.
            }
        }
    }
}
