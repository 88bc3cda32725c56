using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
#if SECCOMP_COMPILER
using Seccomp.Compiler.Tables;
#else
using Seccomp.Common.Tables;
#endif

// Linked into the runtime too (internal there): an in-process report names a denied call's arguments exactly as
// `dotnet-seccomp policy` names recorded ones, and as a condition would (AF_NETLINK, O_RDWR|O_CLOEXEC, AT_FDCWD).
// The names and their values come from the condition language's own table (Constants, per architecture); what is
// listed here is only which family of names each argument's values belong to, and which names of a family are aliases
// to leave out.
#if SECCOMP_COMPILER
namespace Seccomp.Compiler.Conditions
#else
namespace Seccomp.Common.Conditions
#endif
{
    /// <summary>Argument values as a reviewer reads them: the condition language's constant names where it has some, else numbers.</summary>
    internal static class ArgumentNames
    {
        /// <summary>
        /// A family of constants: the prefixes of its names, the names to leave out (aliases, masks, size fields), whether
        /// values are flag sets (decomposed into names joined by |) and, for a flag set that holds a value in some bits,
        /// the names that value may take (SOCK_STREAM in socket's type, O_RDONLY in open's flags).
        /// </summary>
        private sealed record Family(string[] Prefixes, string[] Exclude, bool Flags, string[]? ValueNames = null, ulong ValueMask = 0);

        /// <summary>
        /// An argument that `dotnet-seccomp policy` narrows to its recorded values (socket's domain, ioctl's request...):
        /// its name in the prototype, and the names preferred where several constants share a value (AF_UNIX over
        /// AF_LOCAL; PR_SET_* over the PR_* of another option's argument) before the families the value may be in.
        /// </summary>
        internal sealed record Narrowed(string Param, string[] Preferred, string[] Prefixes);

        private static readonly Dictionary<string, Narrowed> s_narrowed = new(StringComparer.Ordinal)
        {
            ["socket"] = new("family", new[] { "AF_UNIX", "AF_INET", "AF_INET6", "AF_NETLINK", "AF_PACKET" }, new[] { "AF_" }),
            ["socketpair"] = new("family", new[] { "AF_UNIX" }, new[] { "AF_" }),
            ["ioctl"] = new("cmd", Array.Empty<string>(), new[] { "TC", "TIOC", "FIO", "FIONBIO" }),
            ["prctl"] = new("option", new[] { "PR_SET_", "PR_GET_" }, new[] { "PR_" }),
            ["fcntl"] = new("cmd", new[] { "F_GET", "F_SET", "F_DUP", "F_ADD" }, new[] { "F_" }),
            ["setsockopt"] = new("level", new[] { "SOL_SOCKET", "IPPROTO_TCP", "IPPROTO_UDP", "IPPROTO_IP", "IPPROTO_IPV6", "SOL_" }, new[] { "SOL_", "IPPROTO_" }),
        };

        private static readonly string[] s_socketTypes = { "SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOCK_RDM", "SOCK_SEQPACKET", "SOCK_DCCP", "SOCK_PACKET" };
        private static readonly string[] s_signalAliases = { "SIGCLD", "SIGIOT", "SIGPOLL", "SIGUNUSED" };
        private static readonly string[] s_none = new string[0];
        private static readonly string[] s_openValues = { "O_RDONLY", "O_WRONLY", "O_RDWR" };
        private static readonly string[] s_openExclude = { "O_NDELAY", "O_FSYNC", "O_RSYNC", "O_ACCMODE", "O_RDONLY", "O_WRONLY", "O_RDWR" };
        private static readonly string[] s_waitOptions = { "WNOHANG", "WUNTRACED", "WCONTINUED", "WEXITED", "WSTOPPED", "WNOWAIT" };

        private static readonly Family s_msg = new(new[] { "MSG_" }, new[] { "MSG_TRYHARD" }, true);
        private static readonly Family s_sockFlags = new(new[] { "SOCK_CLOEXEC", "SOCK_NONBLOCK" }, s_none, true);
        private static readonly Family s_sockType = new(new[] { "SOCK_CLOEXEC", "SOCK_NONBLOCK" }, s_none, true, s_socketTypes, 0xf);
        private static readonly Family s_af = new(new[] { "AF_" }, new[] { "AF_LOCAL", "AF_FILE", "AF_ROUTE" }, false);
        private static readonly Family s_ipproto = new(new[] { "IPPROTO_" }, new[] { "IPPROTO_HOPOPTS" }, false);
        private static readonly Family s_so = new(new[] { "SO_" }, new[] { "SO_GET_FILTER", "SO_DETACH_BPF" }, false);
        private static readonly Family s_open = new(new[] { "O_" }, s_openExclude, true, s_openValues, 3);
        private static readonly Family s_oFlags = new(new[] { "O_" }, s_openExclude, true);
        private static readonly Family s_at = new(new[] { "AT_" }, new[] { "AT_FDCWD", "AT_EACCESS", "AT_REMOVEDIR", "AT_STATX_SYNC_TYPE", "AT_STATX_SYNC_AS_STAT" }, true);
        private static readonly Family s_map = new(new[] { "MAP_" }, new[] { "MAP_ANON", "MAP_TYPE", "MAP_FILE", "MAP_SHARED", "MAP_PRIVATE", "MAP_SHARED_VALIDATE", "MAP_DROPPABLE" },
            true, new[] { "MAP_SHARED", "MAP_PRIVATE", "MAP_SHARED_VALIDATE", "MAP_DROPPABLE" }, 0xf);
        private static readonly Family s_clone = new(new[] { "CLONE_" }, s_none, true, null, 0xff);
        private static readonly Family s_signal = new(new[] { "SIG" }, s_signalAliases, false);
        private static readonly Family s_clock = new(new[] { "CLOCK_" }, s_none, false);
        private static readonly Family s_wait = new(s_waitOptions, s_none, true);

        /// <summary>The family of each (syscall, parameter); "*" for a parameter name that means the same in every call.</summary>
        private static readonly Dictionary<(string Syscall, string Param), Family> s_families = new()
        {
            [("sendto", "flags")] = s_msg, [("recvfrom", "flags")] = s_msg, [("sendmsg", "flags")] = s_msg, [("recvmsg", "flags")] = s_msg,
            [("sendmmsg", "flags")] = s_msg, [("recvmmsg", "flags")] = s_msg,
            [("accept4", "flags")] = s_sockFlags,
            [("socket", "type")] = s_sockType, [("socketpair", "type")] = s_sockType,
            [("*", "family")] = s_af,
            [("socket", "protocol")] = s_ipproto,
            [("open", "flags")] = s_open, [("openat", "flags")] = s_open,
            [("pipe2", "flags")] = s_oFlags, [("dup3", "flags")] = s_oFlags,
            [("newfstatat", "flag")] = s_at, [("fchownat", "flag")] = s_at, [("linkat", "flags")] = s_at, [("utimensat", "flags")] = s_at,
            [("statx", "flags")] = s_at, [("faccessat2", "flags")] = s_at with { Exclude = new[] { "AT_FDCWD", "AT_REMOVEDIR", "AT_STATX_SYNC_TYPE", "AT_STATX_SYNC_AS_STAT" } },
            [("unlinkat", "flag")] = s_at with { Exclude = new[] { "AT_FDCWD", "AT_EACCESS", "AT_STATX_SYNC_TYPE", "AT_STATX_SYNC_AS_STAT" } },
            [("eventfd2", "flags")] = new(new[] { "EFD_" }, s_none, true),
            [("memfd_create", "flags")] = new(new[] { "MFD_" }, s_none, true),
            [("epoll_create1", "flags")] = new(new[] { "EPOLL_CLOEXEC" }, s_none, true),
            [("epoll_ctl", "op")] = new(new[] { "EPOLL_CTL_" }, s_none, false),
            [("getrandom", "flags")] = new(new[] { "GRND_" }, s_none, true),
            [("mmap", "flags")] = s_map,
            [("*", "prot")] = new(new[] { "PROT_" }, s_none, true),
            [("clone", "clone_flags")] = s_clone,
            [("unshare", "unshare_flags")] = new(new[] { "CLONE_" }, s_none, true),
            [("wait4", "options")] = s_wait,
            [("waitid", "options")] = s_wait,
            [("*", "sig")] = s_signal,
            [("*", "which_clock")] = s_clock,
            [("timerfd_create", "clockid")] = s_clock,
            [("*", "resource")] = new(new[] { "RLIMIT_" }, new[] { "RLIMIT_OFILE" }, false),
            [("lseek", "whence")] = new(new[] { "SEEK_" }, new[] { "SEEK_MAX" }, false),
            [("waitid", "which")] = new(new[] { "P_" }, s_none, false),
            [("madvise", "behavior")] = new(new[] { "MADV_" }, s_none, false),
        };

        /// <summary>Parameters that hold a directory fd, where AT_FDCWD (-100 as an int) stands for the working directory.</summary>
        private static readonly string[] s_dirFds = { "dfd", "olddfd", "newdfd" };

        /// <summary>The calls with an argument that `policy` narrows to its recorded values.</summary>
        public static IEnumerable<string> NarrowedCalls => s_narrowed.Keys;

        /// <summary>The argument of <paramref name="syscall"/> that `policy` narrows to its recorded values, or null.</summary>
        public static Narrowed? NarrowedArgument(string syscall) => s_narrowed.TryGetValue(syscall, out var n) ? n : null;

        /// <summary>
        /// A whole call as a report shows it: <c>socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, 0)</c>. The parameters of the
        /// kernel's prototype where one is known (pointers in hex, ints as the kernel reads them: -1, not 0xffffffff),
        /// otherwise the six registers with trailing zeros left out.
        /// </summary>
        public static string Call(ArchInfo arch, string syscall, IReadOnlyList<ulong> args)
        {
            var parameters = Signatures.Get(syscall, arch.Arch);
            var sb = new StringBuilder(syscall).Append('(');
            if (parameters != null)
            {
                ulong? level = null;
                if (syscall is "getsockopt" or "setsockopt" && parameters.Count > 1 && args.Count > 1) level = parameters[1].Type.Truncate(args[1]);
                for (int i = 0; i < parameters.Count && i < args.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    var p = parameters[i];
                    ulong v = p.Type.Truncate(args[i]);
                    if (p.Type.Pointer) sb.Append(v == 0 ? "NULL" : "0x" + v.ToString("x", CultureInfo.InvariantCulture));
                    else sb.Append(Of(arch, syscall, p.Name, v, level is { } l ? new[] { l } : null, p.Type));
                }
            }
            else
            {
                int count = args.Count;
                while (count > 0 && args[count - 1] == 0) count--;
                for (int i = 0; i < count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    sb.Append(Register(args[i]));
                }
            }
            return sb.Append(')').ToString();
        }

        /// <summary>
        /// <paramref name="value"/> of <paramref name="param"/> of <paramref name="syscall"/> in the condition language's
        /// names where it has some, otherwise the number. <paramref name="levels"/>: the levels a getsockopt/setsockopt
        /// was seen with, whose optname is named (SO_*) only when every level is SOL_SOCKET: an optname means another
        /// option at another level. <paramref name="type"/>, where known, says how to write a number the family does not
        /// name (a negative int as such).
        /// </summary>
        public static string Of(ArchInfo arch, string syscall, string param, ulong value, IReadOnlyCollection<ulong>? levels = null, ArgType? type = null)
        {
            if (NarrowedArgument(syscall) is { } n && n.Param == param) return NarrowedText(arch, n, value);
            if (syscall is "getsockopt" && param == "level") return NarrowedText(arch, s_narrowed["setsockopt"], value);
            if (Array.IndexOf(s_dirFds, param) >= 0 && Constants.TryGet(arch.Arch, "AT_FDCWD", out long cwd) && value == (uint)(int)cwd) return "AT_FDCWD";
            if (syscall is "getsockopt" or "setsockopt" && param == "optname" && levels is { Count: > 0 }
                && Constants.TryGet(arch.Arch, "SOL_SOCKET", out long solSocket) && levels.All(l => l == (ulong)solSocket))
                return Name(arch, s_so, value) ?? Number(value, type);
            // Protocol 0 is "the family's default" (AF_UNIX has no IPPROTO_IP): the number says it.
            if (syscall is "socket" && param == "protocol" && value == 0) return "0";
            if (!s_families.TryGetValue((syscall, param), out var family) && !s_families.TryGetValue(("*", param), out family))
                return Number(value, type);
            return family.Flags ? FlagsText(arch, family, value) : Name(arch, family, value) ?? Number(value, type);
        }

        /// <summary>
        /// For the optnames of a getsockopt/setsockopt seen at several levels, SOL_SOCKET among them: what the values mean
        /// at SOL_SOCKET (" (at SOL_SOCKET: SO_DEBUG, SO_ERROR)"), since no single name is right for every level. Empty
        /// otherwise.
        /// </summary>
        public static string OptnamesAtSolSocket(ArchInfo arch, string syscall, string param, IEnumerable<ulong> shown, IReadOnlyCollection<ulong>? levels)
        {
            if (syscall is not ("getsockopt" or "setsockopt") || param != "optname" || levels == null
                || !Constants.TryGet(arch.Arch, "SOL_SOCKET", out long solSocket) || !levels.Contains((ulong)solSocket) || levels.All(l => l == (ulong)solSocket))
                return "";
            return $" (at SOL_SOCKET: {string.Join(", ", shown.Select(v => Name(arch, s_so, v) ?? Number(v)))})";
        }

        /// <summary>The constant naming <paramref name="value"/> of a narrowed argument, or the number.</summary>
        public static string NarrowedText(ArchInfo arch, Narrowed n, ulong value)
        {
            var candidates = Constants.Names(arch.Arch)
                .Where(c => StartsWithAny(c, n.Prefixes) || StartsWithAny(c, n.Preferred))
                .Where(c => Constants.TryGet(arch.Arch, c, out long v) && unchecked((ulong)v) == value)
                .OrderBy(c => c, StringComparer.Ordinal)
                .ToList();
            // Preferred names in order: an exact name, or a prefix that names the value once.
            foreach (string p in n.Preferred)
            {
                var m = candidates.Where(c => c == p || (p.EndsWith("_", StringComparison.Ordinal) && c.StartsWith(p, StringComparison.Ordinal))).ToList();
                if (m.Count == 1) return m[0];
            }
            if (candidates.Count == 1) return candidates[0];
            return Number(value);
        }

        /// <summary>Decimal below 0x10000, hex above (flags, requests).</summary>
        public static string Number(ulong v) =>
            v < 0x10000 ? v.ToString(CultureInfo.InvariantCulture) : "0x" + v.ToString("x", CultureInfo.InvariantCulture);

        /// <summary>A number as its type reads it: a signed int below zero as such (-1), otherwise <see cref="Number(ulong)"/>.</summary>
        private static string Number(ulong v, ArgType? type)
        {
            if (type is { Signed: true } t)
            {
                long signed = t.Bits == 32 ? (int)(uint)v : t.Bits == 16 ? (short)(ushort)v : unchecked((long)v);
                if (signed < 0) return signed.ToString(CultureInfo.InvariantCulture);
            }
            return Number(v);
        }

        /// <summary>
        /// A register whose type is unknown: small values and small negative longs in decimal, the rest in hex (a negative
        /// int, 0xffffff9c, stays hex: without the type, -100 would not say which of the two registers it was).
        /// </summary>
        private static string Register(ulong v)
        {
            if (v < 4096) return v.ToString(CultureInfo.InvariantCulture);
            if (v >= 0xFFFFFFFFFFFFF000) return unchecked((long)v).ToString(CultureInfo.InvariantCulture);
            return "0x" + v.ToString("x", CultureInfo.InvariantCulture);
        }

        /// <summary>The one name of the family with this value (aliases left out), or null.</summary>
        private static string? Name(ArchInfo arch, Family family, ulong value)
        {
            foreach (var (name, v) in Members(arch, family, family.Prefixes))
                if (v == value) return name;
            return null;
        }

        /// <summary>A flag set: the value part by name, then the flags, widest first (O_SYNC before O_DSYNC), then any bits left in hex.</summary>
        private static string FlagsText(ArchInfo arch, Family family, ulong value)
        {
            var parts = new List<string>();
            ulong rest = value;
            if (family.ValueNames != null)
            {
                ulong part = value & family.ValueMask;
                string? name = Members(arch, family with { Exclude = s_none }, family.ValueNames).FirstOrDefault(m => m.Value == part).Name;
                if (name != null) { parts.Add(name); rest &= ~family.ValueMask; }
            }
            else if (family.ValueMask != 0 && (value & family.ValueMask) != 0)
            {
                // clone's exit signal (CSIGNAL): SIGCHLD for a fork-like clone.
                ulong sig = value & family.ValueMask;
                parts.Add(Name(arch, s_signal, sig) ?? Number(sig));
                rest &= ~family.ValueMask;
            }
            foreach (var (name, bits) in Members(arch, family, family.Prefixes)
                         .Where(m => m.Value != 0 && (m.Value & family.ValueMask) == 0)
                         .OrderByDescending(m => PopCount(m.Value)).ThenBy(m => m.Name, StringComparer.Ordinal))
            {
                if ((rest & bits) == bits) { parts.Add(name); rest &= ~bits; }
            }
            // No flag at all: the family's name for 0 where it has one (PROT_NONE), else 0.
            if (parts.Count == 0 && rest == 0) return Name(arch, family, 0) ?? "0";
            if (rest != 0) parts.Add("0x" + rest.ToString("x", CultureInfo.InvariantCulture));
            return string.Join("|", parts);
        }

        /// <summary>The family's names on the architecture with their values, by name; names the table lacks are skipped.</summary>
        private static IEnumerable<(string Name, ulong Value)> Members(ArchInfo arch, Family family, string[] prefixes) =>
            Constants.Names(arch.Arch)
                .Where(c => StartsWithAny(c, prefixes) && Array.IndexOf(family.Exclude, c) < 0
                    && !c.EndsWith("_OLD", StringComparison.Ordinal) && !c.EndsWith("_NEW", StringComparison.Ordinal)
                    && c.IndexOf("_HUGE_", StringComparison.Ordinal) < 0 && !c.EndsWith("_MASK", StringComparison.Ordinal))
                .OrderBy(c => c, StringComparer.Ordinal)
                .Select(c => (c, Constants.TryGet(arch.Arch, c, out long v) ? unchecked((ulong)v) : 0UL));

        private static bool StartsWithAny(string name, string[] prefixes)
        {
            foreach (var p in prefixes)
                if (name.StartsWith(p, StringComparison.Ordinal)) return true;
            return false;
        }

        private static int PopCount(ulong v)
        {
            int n = 0;
            for (; v != 0; v &= v - 1) n++;
            return n;
        }
    }
}
