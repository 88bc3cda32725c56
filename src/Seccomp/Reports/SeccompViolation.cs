using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Seccomp
{
    /// <summary>
    /// A call the policy denies, reported by the process itself (<see cref="SeccompOptions.Complain"/>,
    /// <see cref="SeccompOptions.ReportViolations"/>). Per (call, action) the first <see cref="DetailedPerCall"/> come
    /// with their arguments; after them, a summary every <see cref="SeccompOptions.ViolationSummaryInterval"/> carries only
    /// how many more there were (<see cref="IsSummary"/>). The format of <see cref="ToString"/> is documented in
    /// docs/reports.md, and <c>dotnet-seccomp policy</c> reads it back as a recording.
    /// </summary>
    public sealed class SeccompViolation
    {
        /// <summary>Per (call, action), how many reports carry their arguments before only counts follow.</summary>
        public const int DetailedPerCall = 10;

        /// <summary>The policy class's full name.</summary>
        public string Policy { get; init; } = "";

        public SeccompArch Architecture { get; init; }

        /// <summary>The architecture as the kernel's tables and the report line spell it: x86_64, aarch64, riscv64.</summary>
        public string ArchitectureName => Common.ArchInfo.Get(Architecture).Name;

        /// <summary>The syscall's name on <see cref="Architecture"/> (<c>syscall_N</c> when the table has none).</summary>
        public string Syscall { get; init; } = "";

        public int SyscallNumber { get; init; }

        /// <summary>The six argument registers as the filter saw them; empty in a summary.</summary>
        public IReadOnlyList<ulong> Arguments { get; init; } = Array.Empty<ulong>();

        /// <summary>The call as text, each parameter of the kernel's prototype read at its width and named with the
        /// condition language's constants where it has names for it: <c>socket(AF_PACKET, SOCK_RAW|SOCK_CLOEXEC, 768)</c>.</summary>
        public string DecodedArguments { get; init; } = "";

        /// <summary>What the policy answers the call (KILL_PROCESS, ERRNO(1)...).</summary>
        public SeccompVerdict Action { get; init; }

        /// <summary>True in complain mode: the call ran. False: it got <see cref="Action"/>.</summary>
        public bool CallRan { get; init; }

        /// <summary>The rule that decides the call, as <c>file:line [attribute as written]</c>, or <c>DefaultAction</c>.</summary>
        public string Rule { get; init; } = "";

        public int ProcessId { get; init; }

        public int ThreadId { get; init; }

        /// <summary>The calling thread's name as the kernel knows it (15 characters at most), or empty.</summary>
        public string ThreadName { get; init; } = "";

        /// <summary>A detailed report: this call's number among its (call, action), from 1. A summary: how many since the last one.</summary>
        public long Count { get; init; }

        /// <summary>A count without arguments, for calls beyond the first <see cref="DetailedPerCall"/>.</summary>
        public bool IsSummary { get; init; }

        /// <summary>The interval a summary covers.</summary>
        public TimeSpan SummaryInterval { get; init; }

        /// <summary>The process ends after this report (a call the policy kills, with <see cref="SeccompOptions.ReportViolations"/>).</summary>
        public bool EndsProcess { get; init; }

        public DateTimeOffset Timestamp { get; init; }

        /// <summary>kill-process, kill-thread, trap, errno(N), trace(N), user-notif: the action as the report line spells it.</summary>
        public string ActionText => Action.Action switch
        {
            SeccompAction.KillProcess => "kill-process",
            SeccompAction.KillThread => "kill-thread",
            SeccompAction.Trap => "trap",
            SeccompAction.Errno => "errno(" + Action.Data.ToString(CultureInfo.InvariantCulture) + ")",
            SeccompAction.Trace => "trace(" + Action.Data.ToString(CultureInfo.InvariantCulture) + ")",
            SeccompAction.Notify => "user-notif",
            SeccompAction.Log => "log",
            _ => "allow",
        };

        /// <summary>The arguments as the report line writes them: six hexadecimal values separated by commas.</summary>
        public string ArgumentsText
        {
            get
            {
                var sb = new StringBuilder();
                for (int i = 0; i < Arguments.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    sb.Append("0x").Append(Arguments[i].ToString("x", CultureInfo.InvariantCulture));
                }
                return sb.ToString();
            }
        }

        /// <summary>
        /// One line, <c>seccomp-violation</c> then key=value pairs (docs/reports.md): policy, arch, syscall, nr, action,
        /// mode, then args, decoded, rule, pid, tid, thread and count for a detailed report, or summary and count.
        /// </summary>
        public override string ToString()
        {
            var sb = new StringBuilder(256);
            sb.Append("seccomp-violation policy=").Append(Bare(Policy))
              .Append(" arch=").Append(ArchitectureName)
              .Append(" syscall=").Append(Bare(Syscall))
              .Append(" nr=").Append(SyscallNumber.ToString(CultureInfo.InvariantCulture))
              .Append(" action=").Append(ActionText)
              .Append(" mode=").Append(CallRan ? "complain" : "enforce");
            if (IsSummary)
            {
                sb.Append(" summary=").Append(((long)Math.Round(SummaryInterval.TotalSeconds)).ToString(CultureInfo.InvariantCulture)).Append('s');
            }
            else
            {
                sb.Append(" args=").Append(ArgumentsText)
                  .Append(" decoded=").Append(Quoted(DecodedArguments))
                  .Append(" rule=").Append(Quoted(Rule))
                  .Append(" pid=").Append(ProcessId.ToString(CultureInfo.InvariantCulture))
                  .Append(" tid=").Append(ThreadId.ToString(CultureInfo.InvariantCulture))
                  .Append(" thread=").Append(Quoted(ThreadName));
            }
            sb.Append(" count=").Append(Count.ToString(CultureInfo.InvariantCulture));
            if (EndsProcess) sb.Append(" ends=process");
            return sb.ToString();
        }

        private static string Bare(string s) => s.Length > 0 && s.IndexOfAny(new[] { ' ', '"', '\\', '\n', '\r', '\t' }) < 0 ? s : Quoted(s);

        private static string Quoted(string s)
        {
            var sb = new StringBuilder(s.Length + 2).Append('"');
            foreach (char c in s)
            {
                if (c == '"' || c == '\\') sb.Append('\\').Append(c);
                else if (c < ' ') sb.Append(' ');
                else sb.Append(c);
            }
            return sb.Append('"').ToString();
        }
    }
}
