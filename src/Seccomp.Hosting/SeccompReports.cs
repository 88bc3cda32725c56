using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Seccomp.Hosting
{
    /// <summary>
    /// Reports of denied calls (<see cref="SeccompOptions.Complain"/>, <see cref="SeccompOptions.ReportViolations"/>) as
    /// logs and metrics, so that an OpenTelemetry or console exporter picks them up: an <see cref="ILogger"/> of category
    /// <c>Seccomp</c> with a structured field for every member of <see cref="SeccompViolation"/> (event ids in
    /// docs/reports.md), and the counter <c>seccomp.violations</c> of the meter <c>Seccomp</c>, tagged with syscall,
    /// policy and action. A policy applied in Main, before the host has a logger, hands its reports here too
    /// (<c>OnViolation = SeccompReports.Report</c>): they wait, at most 1024 of them, and are logged once the host starts.
    /// </summary>
    public static class SeccompReports
    {
        public const string MeterName = "Seccomp";
        public const string CounterName = "seccomp.violations";
        public const string LoggerCategory = "Seccomp";

        /// <summary>A denied call with its arguments (Warning in complain mode, Error enforcing, Critical when the process ends).</summary>
        public static readonly EventId ViolationEvent = new(1, "SeccompViolation");

        /// <summary>How many more of one (call, action) there were in an interval.</summary>
        public static readonly EventId SummaryEvent = new(2, "SeccompViolationSummary");

        /// <summary>A policy was installed (Information), or could not be (Critical).</summary>
        public static readonly EventId InstalledEvent = new(3, "SeccompInstalled");

        /// <summary>A documented fallback taken because the kernel lacks a feature (Warning).</summary>
        public static readonly EventId FallbackEvent = new(4, "SeccompFallback");

        private const int MaxPending = 1024;
        private static readonly Meter s_meter = new(MeterName);
        private static readonly Counter<long> s_violations = s_meter.CreateCounter<long>(CounterName, "{call}",
            "Calls a seccomp policy denies (complain mode: would deny), as the process itself reports them");
        private static readonly ConcurrentQueue<SeccompViolation> s_pending = new();
        private static ILogger? s_logger;

        /// <summary>The <see cref="SeccompOptions.OnViolation"/> callback: counts the report and logs it (or keeps it until a logger is attached).</summary>
        public static void Report(SeccompViolation violation)
        {
            if (violation == null) return;
            s_violations.Add(violation.IsSummary ? violation.Count : 1,
                new KeyValuePair<string, object?>("syscall", violation.Syscall),
                new KeyValuePair<string, object?>("policy", violation.Policy),
                new KeyValuePair<string, object?>("action", violation.ActionText));
            var logger = System.Threading.Volatile.Read(ref s_logger);
            if (logger != null) Log(logger, violation);
            else if (s_pending.Count < MaxPending) s_pending.Enqueue(violation);
        }

        /// <summary>Sends reports to <paramref name="factory"/>'s <c>Seccomp</c> logger from now on, those kept so far first.</summary>
        public static void UseLogger(ILoggerFactory factory)
        {
            if (factory == null) throw new ArgumentNullException(nameof(factory));
            var logger = factory.CreateLogger(LoggerCategory);
            System.Threading.Volatile.Write(ref s_logger, logger);
            while (s_pending.TryDequeue(out var v)) Log(logger, v);
        }

        /// <summary>
        /// Options whose reports come here, with <c>Complain</c> and <c>ReportViolations</c> read from
        /// <paramref name="configuration"/>'s <c>Seccomp</c> section (<c>Seccomp:Complain</c>, <c>Seccomp:ReportViolations</c>).
        /// A value that only an environment variable gives is not taken (docs/reports.md): switching complain mode on
        /// would weaken the policy, and the environment is not the application's to decide that.
        /// </summary>
        public static SeccompOptions Options(IConfiguration? configuration, SeccompOptions? template = null)
        {
            var o = template ?? new SeccompOptions();
            if (configuration != null)
            {
                if (Flag(configuration, "Seccomp:Complain") is bool complain) o.Complain = complain;
                if (Flag(configuration, "Seccomp:ReportViolations") is bool report) o.ReportViolations = report;
            }
            if ((o.Complain || o.ReportViolations) && o.OnViolation == null) o.OnViolation = Report;
            return o;
        }

        /// <summary>The value of <paramref name="key"/> from the last configuration provider that has it and is not the environment.</summary>
        private static bool? Flag(IConfiguration configuration, string key)
        {
            string? value = null;
            if (configuration is IConfigurationRoot root)
            {
                foreach (var provider in root.Providers)
                    if (!FromEnvironment(provider) && provider.TryGet(key, out var v)) value = v;
            }
            else
            {
                value = configuration[key];
            }
            if (value == null) return null;
            if (!bool.TryParse(value, out bool b))
                throw new FormatException($"configuration {key} = '{value}': expected true or false");
            return b;
        }

        // By name: the provider's assembly is the application's choice, not a dependency of this package.
        private static bool FromEnvironment(IConfigurationProvider provider) =>
            provider.GetType().Name == "EnvironmentVariablesConfigurationProvider";

        private static void Log(ILogger logger, SeccompViolation v)
        {
            var level = v.EndsProcess ? LogLevel.Critical : v.CallRan ? LogLevel.Warning : LogLevel.Error;
            try
            {
                logger.Log(level, v.IsSummary ? SummaryEvent : ViolationEvent, new ViolationState(v), null, static (s, _) => s.ToString());
            }
            catch (Exception)
            {
                // A logger that throws must not take reports down with it: the counter has it, and the next may log.
            }
        }

        /// <summary>The structured fields of a report, as logging providers and the JSON console formatter read them.</summary>
        private sealed class ViolationState : IReadOnlyList<KeyValuePair<string, object?>>
        {
            private const string DetailedFormat = "seccomp: {Policy} {Mode} {Syscall}: {DecodedArguments} gets {Action} from {Rule}; thread {ThreadId} '{ThreadName}' of process {ProcessId} ({Count})";
            private const string SummaryFormat = "seccomp: {Policy} {Mode} {Syscall}: {Count} more calls get {Action}";
            private readonly SeccompViolation _v;
            private readonly KeyValuePair<string, object?>[] _fields;

            public ViolationState(SeccompViolation v)
            {
                _v = v;
                var fields = new List<KeyValuePair<string, object?>>
                {
                    new("Policy", v.Policy),
                    new("Architecture", v.ArchitectureName),
                    new("Syscall", v.Syscall),
                    new("SyscallNumber", v.SyscallNumber),
                    new("Action", v.ActionText),
                    new("Mode", v.CallRan ? "complain" : "enforce"),
                    new("Count", v.Count),
                };
                if (!v.IsSummary)
                {
                    fields.Add(new("Arguments", v.ArgumentsText));
                    fields.Add(new("DecodedArguments", v.DecodedArguments));
                    fields.Add(new("Rule", v.Rule));
                    fields.Add(new("ProcessId", v.ProcessId));
                    fields.Add(new("ThreadId", v.ThreadId));
                    fields.Add(new("ThreadName", v.ThreadName));
                    fields.Add(new("EndsProcess", v.EndsProcess));
                }
                else
                {
                    fields.Add(new("SummaryIntervalSeconds", (long)v.SummaryInterval.TotalSeconds));
                }
                fields.Add(new("{OriginalFormat}", v.IsSummary ? SummaryFormat : DetailedFormat));
                _fields = fields.ToArray();
            }

            public KeyValuePair<string, object?> this[int index] => _fields[index];

            public int Count => _fields.Length;

            public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_fields).GetEnumerator();

            IEnumerator IEnumerable.GetEnumerator() => _fields.GetEnumerator();

            public override string ToString() => _v.IsSummary
                ? string.Format(CultureInfo.InvariantCulture, "seccomp: {0} {1} {2}: {3} more calls get {4}", _v.Policy, _v.CallRan ? "complain" : "enforce", _v.Syscall, _v.Count, _v.ActionText)
                : string.Format(CultureInfo.InvariantCulture, "seccomp: {0} {1} {2}: {3} gets {4} from {5}; thread {6} '{7}' of process {8} ({9})",
                    _v.Policy, _v.CallRan ? "complain" : "enforce", _v.Syscall, _v.DecodedArguments, _v.ActionText, _v.Rule, _v.ThreadId, _v.ThreadName, _v.ProcessId, _v.Count);
        }
    }
}
