// Recorded argument values as a reviewer reads them: the condition language's constant names (MSG_NOSIGNAL,
// SOCK_STREAM|SOCK_CLOEXEC, O_RDONLY|O_CLOEXEC, AT_FDCWD), taken from the compiler's own constant table
// (Seccomp.Compiler.Tables.Constants, per architecture), never from a table of the tool's. What is listed here is
// only which family of names an argument's values belong to, and which names of a family are aliases to skip.

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;
using Seccomp.Compiler;
using Seccomp.Compiler.Conditions;
using Seccomp.Compiler.Tables;

namespace Seccomp.Tool;

internal static class ArgumentText
{
    /// <summary>
    /// A family of constants: the prefixes of its names, the names to leave out (aliases, masks, size fields), whether
    /// values are flag sets (decomposed into names joined by |) and, for a flag set that holds a value in some bits,
    /// the names that value may take (SOCK_STREAM in socket's type, O_RDONLY in open's flags).
    /// </summary>
    private sealed record Family(string[] Prefixes, string[] Exclude, bool Flags, string[]? ValueNames = null, ulong ValueMask = 0);

    private static readonly string[] s_socketTypes = { "SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOCK_RDM", "SOCK_SEQPACKET", "SOCK_DCCP", "SOCK_PACKET" };
    private static readonly string[] s_signalAliases = { "SIGCLD", "SIGIOT", "SIGPOLL", "SIGUNUSED" };

    private static readonly Family s_msg = new(new[] { "MSG_" }, new[] { "MSG_TRYHARD" }, true);
    private static readonly Family s_sockFlags = new(new[] { "SOCK_CLOEXEC", "SOCK_NONBLOCK" }, Array.Empty<string>(), true);
    private static readonly Family s_sockType = new(new[] { "SOCK_CLOEXEC", "SOCK_NONBLOCK" }, Array.Empty<string>(), true, s_socketTypes, 0xf);
    private static readonly Family s_af = new(new[] { "AF_" }, new[] { "AF_LOCAL", "AF_FILE", "AF_ROUTE" }, false);
    private static readonly Family s_ipproto = new(new[] { "IPPROTO_" }, new[] { "IPPROTO_HOPOPTS" }, false);
    private static readonly Family s_so = new(new[] { "SO_" }, new[] { "SO_GET_FILTER", "SO_DETACH_BPF" }, false);
    private static readonly Family s_open = new(new[] { "O_" }, new[] { "O_NDELAY", "O_FSYNC", "O_RSYNC", "O_ACCMODE", "O_RDONLY", "O_WRONLY", "O_RDWR" },
        true, new[] { "O_RDONLY", "O_WRONLY", "O_RDWR" }, 3);
    private static readonly Family s_oFlags = new(new[] { "O_" }, new[] { "O_NDELAY", "O_FSYNC", "O_RSYNC", "O_ACCMODE", "O_RDONLY", "O_WRONLY", "O_RDWR" }, true);
    private static readonly Family s_at = new(new[] { "AT_" }, new[] { "AT_FDCWD", "AT_EACCESS", "AT_REMOVEDIR", "AT_STATX_SYNC_TYPE", "AT_STATX_SYNC_AS_STAT" }, true);
    private static readonly Family s_map = new(new[] { "MAP_" }, new[] { "MAP_ANON", "MAP_TYPE", "MAP_FILE", "MAP_SHARED", "MAP_PRIVATE", "MAP_SHARED_VALIDATE", "MAP_DROPPABLE" },
        true, new[] { "MAP_SHARED", "MAP_PRIVATE", "MAP_SHARED_VALIDATE", "MAP_DROPPABLE" }, 0xf);
    private static readonly Family s_clone = new(new[] { "CLONE_" }, Array.Empty<string>(), true, null, 0xff);

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
        [("eventfd2", "flags")] = new(new[] { "EFD_" }, Array.Empty<string>(), true),
        [("memfd_create", "flags")] = new(new[] { "MFD_" }, Array.Empty<string>(), true),
        [("epoll_create1", "flags")] = new(new[] { "EPOLL_CLOEXEC" }, Array.Empty<string>(), true),
        [("epoll_ctl", "op")] = new(new[] { "EPOLL_CTL_" }, Array.Empty<string>(), false),
        [("getrandom", "flags")] = new(new[] { "GRND_" }, Array.Empty<string>(), true),
        [("mmap", "flags")] = s_map,
        [("*", "prot")] = new(new[] { "PROT_" }, Array.Empty<string>(), true),
        [("clone", "clone_flags")] = s_clone,
        [("unshare", "unshare_flags")] = new(new[] { "CLONE_" }, Array.Empty<string>(), true),
        [("wait4", "options")] = new(new[] { "WNOHANG", "WUNTRACED", "WCONTINUED", "WEXITED", "WSTOPPED", "WNOWAIT" }, Array.Empty<string>(), true),
        [("waitid", "options")] = new(new[] { "WNOHANG", "WUNTRACED", "WCONTINUED", "WEXITED", "WSTOPPED", "WNOWAIT" }, Array.Empty<string>(), true),
        [("*", "sig")] = new(new[] { "SIG" }, s_signalAliases, false),
        [("*", "which_clock")] = new(new[] { "CLOCK_" }, Array.Empty<string>(), false),
        [("timerfd_create", "clockid")] = new(new[] { "CLOCK_" }, Array.Empty<string>(), false),
        [("*", "resource")] = new(new[] { "RLIMIT_" }, new[] { "RLIMIT_OFILE" }, false),
        [("lseek", "whence")] = new(new[] { "SEEK_" }, new[] { "SEEK_MAX" }, false),
        [("waitid", "which")] = new(new[] { "P_" }, Array.Empty<string>(), false),
        [("madvise", "behavior")] = new(new[] { "MADV_" }, Array.Empty<string>(), false),
    };

    /// <summary>Parameters that hold a directory fd, where AT_FDCWD (-100 as an int) stands for the working directory.</summary>
    private static readonly string[] s_dirFds = { "dfd", "olddfd", "newdfd" };

    /// <summary>
    /// <paramref name="value"/> of <paramref name="param"/> of <paramref name="syscall"/> in the condition language's
    /// names where it has some, otherwise the number. <paramref name="levels"/>: the recorded levels of a
    /// getsockopt/setsockopt, whose optname is named (SO_*) only when every level is SOL_SOCKET: an optname means another
    /// option at another level, and the recording keeps the two arguments' values apart.
    /// </summary>
    public static string Of(ArchInfo arch, string syscall, string param, ulong value, IReadOnlyCollection<ulong>? levels = null)
    {
        if (Narrowing.For(syscall) is { } n && n.Param == param) return n.ValueText(arch, value);
        if (syscall is "getsockopt" && param == "level") return Narrowing.For("setsockopt")!.ValueText(arch, value);
        if (Array.IndexOf(s_dirFds, param) >= 0 && Constants.TryGet(arch.Arch, "AT_FDCWD", out long cwd) && value == (uint)(int)cwd) return "AT_FDCWD";
        if (syscall is "getsockopt" or "setsockopt" && param == "optname" && levels is { Count: > 0 }
            && Constants.TryGet(arch.Arch, "SOL_SOCKET", out long solSocket) && levels.All(l => l == (ulong)solSocket))
            return Name(arch, s_so, value) ?? Narrowing.Number(value);
        // Protocol 0 is "the family's default" (AF_UNIX has no IPPROTO_IP): the number says it.
        if (syscall is "socket" && param == "protocol" && value == 0) return "0";
        var family = s_families.GetValueOrDefault((syscall, param)) ?? s_families.GetValueOrDefault(("*", param));
        if (family == null) return Narrowing.Number(value);
        return family.Flags ? FlagsText(arch, family, value) : Name(arch, family, value) ?? Narrowing.Number(value);
    }

    /// <summary>
    /// For the optnames of a getsockopt/setsockopt recorded at several levels, SOL_SOCKET among them: what the values
    /// mean at SOL_SOCKET (" (at SOL_SOCKET: SO_DEBUG, SO_ERROR)"), since no single name is right for every level.
    /// Empty otherwise.
    /// </summary>
    public static string OptnamesAtSolSocket(ArchInfo arch, string syscall, string param, IEnumerable<ulong> shown, IReadOnlyCollection<ulong>? levels)
    {
        if (syscall is not ("getsockopt" or "setsockopt") || param != "optname" || levels == null
            || !Constants.TryGet(arch.Arch, "SOL_SOCKET", out long solSocket) || !levels.Contains((ulong)solSocket) || levels.All(l => l == (ulong)solSocket))
            return "";
        return $" (at SOL_SOCKET: {string.Join(", ", shown.Select(v => Name(arch, s_so, v) ?? Narrowing.Number(v)))})";
    }

    /// <summary>The one name of the family with this value (aliases left out), or null.</summary>
    private static string? Name(ArchInfo arch, Family family, ulong value) =>
        Members(arch, family, family.Prefixes).Where(m => m.Value == value).Select(m => m.Name).FirstOrDefault();

    /// <summary>A flag set: the value part by name, then the flags, widest first (O_SYNC before O_DSYNC), then any bits left in hex.</summary>
    private static string FlagsText(ArchInfo arch, Family family, ulong value)
    {
        var parts = new List<string>();
        ulong rest = value;
        if (family.ValueNames != null)
        {
            ulong part = value & family.ValueMask;
            string? name = Members(arch, family with { Exclude = Array.Empty<string>() }, family.ValueNames).FirstOrDefault(m => m.Value == part).Name;
            if (name != null) { parts.Add(name); rest &= ~family.ValueMask; }
        }
        else if (family.ValueMask != 0 && (value & family.ValueMask) != 0)
        {
            // clone's exit signal (CSIGNAL): SIGCHLD for a fork-like clone.
            ulong sig = value & family.ValueMask;
            parts.Add(Name(arch, new Family(new[] { "SIG" }, s_signalAliases, false), sig) ?? Narrowing.Number(sig));
            rest &= ~family.ValueMask;
        }
        foreach (var (name, bits) in Members(arch, family, family.Prefixes)
                     .Where(m => m.Value != 0 && (m.Value & family.ValueMask) == 0)
                     .OrderByDescending(m => BitOperations.PopCount(m.Value)).ThenBy(m => m.Name, StringComparer.Ordinal))
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
            .Where(c => prefixes.Any(p => c.StartsWith(p, StringComparison.Ordinal)) && Array.IndexOf(family.Exclude, c) < 0
                && !c.EndsWith("_OLD", StringComparison.Ordinal) && !c.EndsWith("_NEW", StringComparison.Ordinal)
                && !c.Contains("_HUGE_", StringComparison.Ordinal) && !c.EndsWith("_MASK", StringComparison.Ordinal))
            .OrderBy(c => c, StringComparer.Ordinal)
            .Select(c => (c, Constants.TryGet(arch.Arch, c, out long v) ? unchecked((ulong)v) : 0UL));
}
