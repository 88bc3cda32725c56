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
    }
}
