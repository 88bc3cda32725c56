using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json.Nodes;
using Xunit;

namespace Seccomp.Tool.Tests;

/// <summary>
/// Issue 17, finding 4: what `record` and `check` hand to the program (the recorder's filter, the directory where
/// Apply() leaves its policy, the handshake lock) can be neither planted nor swapped. Replayed with a script of an
/// unprivileged user (uid 65534) that plants and swaps what it can while the tool runs as root, and with a swap by
/// the program's own user, which the startup hook's digest check must catch.
/// </summary>
public class HandOverTests
{
    private const int Nobody = 65534;

    private static string PolicyAppDebug => typeof(HandOverTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .First(a => a.Key == "PolicyAppDebug").Value!;

    /// <summary>The attacker: plants the old predictable filter files, then tries every private directory it can see.</summary>
    private const string Attack = """
        set -u
        exec 2>/dev/null   # refusals are expected; a full stderr pipe would stall the attack
        tmp=$1; log=$2; stop=$3; lo=$4
        printf '\x06\x00\x00\x00\x00\x00\xff\x7f' > "$log.bpf"      # ret ALLOW: a filter that records nothing
        for p in $(seq "$lo" $((lo + 200))); do ln -sf "$log.bpf" "$tmp/dotnet-seccomp-$p.bpf" 2>/dev/null; done
        : > "$log.ready"
        while [ ! -e "$stop" ]; do
          for d in "$tmp"/dotnet-seccomp-*/; do
            [ -d "$d" ] || continue
            echo "saw $d" >> "$log"
            ls "$d" >/dev/null 2>&1 && echo "listed $d" >> "$log"
            cp "$log.bpf" "$d/recorder.bpf" 2>/dev/null && echo "wrote $d/recorder.bpf" >> "$log"
            ln -s "$log.bpf" "$d/x.policy" 2>/dev/null && echo "linked $d/x.policy" >> "$log"
            : > "$d/lock" 2>/dev/null && echo "wrote $d/lock" >> "$log"
          done
          sleep 0.005
        done
        """;

    [Fact]
    public void An_unprivileged_user_can_neither_plant_nor_swap_what_record_and_check_hand_over()
    {
        string setpriv = new[] { "/usr/bin/setpriv", "/bin/setpriv" }.FirstOrDefault(File.Exists)
            ?? throw new Xunit.Sdk.XunitException("this test drops privileges with setpriv: apt-get install util-linux");
        string work = ProcessRunner.TempDir();
        var chown = ProcessRunner.Run("chown", new[] { $"{Nobody}:{Nobody}", work });
        Assert.True(chown.ExitCode == 0, chown.Stderr);
        string tmp = Path.GetTempPath().TrimEnd('/'), log = Path.Combine(work, "attack.log"), stop = Path.Combine(work, "stop");
        string script = Path.Combine(work, "attack.sh");
        File.WriteAllText(script, Attack);
        var psi = ProcessRunner.StartInfo(setpriv, new[] { $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "--",
            "/bin/bash", script, tmp, log, stop, (Environment.ProcessId + 1).ToString() });
        using var attacker = Process.Start(psi)!;
        try
        {
            var planted = Stopwatch.StartNew();
            while (!File.Exists(log + ".ready") && !attacker.HasExited && planted.Elapsed < TimeSpan.FromSeconds(60))
                System.Threading.Thread.Sleep(20);
            Assert.True(File.Exists(log + ".ready"), "the attacker's script did not start");
            // record: the app's calls are recorded as without the attacker.
            string output = Path.Combine(work, "rec.json");
            var r = ProcessRunner.Tool("record", "-o", output, "--", ProcessRunner.Dotnet, ProcessRunner.RecordedApp, "calls", "10", "2");
            Assert.True(r.ExitCode == 42, $"exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");
            var calls = JsonNode.Parse(File.ReadAllText(output))!["architectures"]!["x86_64"]!.AsObject();
            Assert.Equal(20, calls["getpgrp"]!["count"]!.GetValue<long>());
            Assert.Equal(1, calls["socket"]!["count"]!.GetValue<long>());

            // check: the app's own policy is read from the private directory and its denial reported.
            var c = ProcessRunner.Tool("check", "--", ProcessRunner.Dotnet, PolicyAppDebug);
            Assert.True(c.ExitCode == 2, $"exit {c.ExitCode}\n{c.Stdout}\n{c.Stderr}");
            Assert.Contains("rule: Sandbox.cs:7 [Deny(\"getpgid\", Errno = Errno.EACCES)]", c.Stderr);
        }
        finally
        {
            File.WriteAllText(stop, "");
            if (!attacker.WaitForExit(10_000)) attacker.Kill(true);
            foreach (var f in Directory.GetFiles(tmp, "dotnet-seccomp-*.bpf")) File.Delete(f);
        }
        string[] lines = File.Exists(log) ? File.ReadAllLines(log) : Array.Empty<string>();
        // The attacker saw the directories (the attack ran) and could do nothing in them.
        Assert.Contains(lines, l => l.StartsWith("saw ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => !l.StartsWith("saw ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_filter_changed_after_the_tool_wrote_it_is_refused_and_record_fails()
    {
        string work = ProcessRunner.TempDir();
        string output = Path.Combine(work, "rec.json");
        // The program's own user replaces the filter file before the hook reads it: ret ALLOW, which would record nothing.
        var r = ProcessRunner.Tool("record", "-o", output, "--", "/bin/sh", "-c",
            "printf '\\006\\000\\000\\000\\000\\000\\377\\177' > \"$SECCOMP_RECORD_PROGRAM\" && exec \"$0\" \"$@\"",
            ProcessRunner.Dotnet, ProcessRunner.RecordedApp, "calls", "10", "2");
        Assert.True(r.ExitCode == 6, $"exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");
        Assert.Contains("is not the one dotnet-seccomp wrote", r.Stderr);
        Assert.Contains("refused the recorder's filter", r.Stderr);
        Assert.False(File.Exists(output));
    }
}
