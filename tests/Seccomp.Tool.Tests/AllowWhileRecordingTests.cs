using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Xunit;

namespace Seccomp.Tool.Tests;

/// <summary>
/// `record --allow-group G` and `--allow S` let calls run unrecorded (issue 21 item 4): the recording keeps them, and
/// `policy` allows them, or the app built from the class dies on the calls no recording shows.
/// </summary>
public class AllowWhileRecordingTests
{
    [Fact]
    public void Allowances_given_to_record_are_stored_and_policy_writes_their_rules()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64) return; // names below are x86_64's
        string dir = ProcessRunner.TempDir();
        string rec = Path.Combine(dir, "rec.json");
        // @aspnetcore with its @, read literally (no response file); getpgrp is in no group the recorder allows itself.
        var r = ProcessRunner.Tool("record", "-o", rec, "--allow-group", "@aspnetcore", "--allow", "getpgrp", "--",
            ProcessRunner.Dotnet, ProcessRunner.RecordedApp, "calls", "10", "2");
        Assert.True(r.ExitCode == 42, $"exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");
        var json = JsonNode.Parse(File.ReadAllText(rec))!;
        Assert.Equal(new[] { "aspnetcore" }, json["allowGroups"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(new[] { "getpgrp" }, json["allow"]!.AsArray().Select(n => n!.GetValue<string>()));
        var calls = json["architectures"]!["x86_64"]?.AsObject();
        Assert.True(calls == null || (calls["getpgrp"] == null && calls["listen"] == null && calls["inotify_init1"] == null),
            "calls that ran unrecorded are in the recording");

        foreach (bool exact in new[] { false, true })
        {
            string cs = Path.Combine(dir, exact ? "Exact.cs" : "Sandbox.cs");
            var p = ProcessRunner.Tool(new[] { "policy", rec, "--class", "App.Sandbox", "-o", cs }.Concat(exact ? new[] { "--exact" } : new string[0]).ToArray());
            Assert.True(p.ExitCode == 0, p.Stderr);
            Assert.DoesNotContain("note:", p.Stderr);
            string text = File.ReadAllText(cs);
            Assert.Contains("\n[Allow(\"@aspnetcore\")]\n", text);
            Assert.Contains("\n[Allow(\"getpgrp\")]\n", text);
            Assert.Contains("// @aspnetcore: allowed while recording (record --allow-group aspnetcore)", text);
            Assert.Contains("@aspnetcore, getpgrp allowed (allowed while recording)", p.Stderr);

            // Again on the class it wrote: nothing is added twice.
            var again = ProcessRunner.Tool(new[] { "policy", rec, "--class", "App.Sandbox", "-o", cs });
            Assert.True(again.ExitCode == 0, again.Stderr);
            Assert.Equal(text, File.ReadAllText(cs));
        }
    }

    [Fact]
    public void Merged_recordings_allow_what_any_of_them_allowed()
    {
        string dir = ProcessRunner.TempDir();
        string a = Path.Combine(dir, "a.json"), b = Path.Combine(dir, "b.json"), cs = Path.Combine(dir, "S.cs");
        File.WriteAllText(a, "{ \"version\": 1, \"allowGroups\": [\"aspnetcore\"], \"architectures\": { \"x86_64\": {} } }");
        File.WriteAllText(b, "{ \"version\": 1, \"allowGroups\": [\"process\"], \"allow\": [\"getpgrp\"], \"architectures\": { \"x86_64\": {} } }");
        var p = ProcessRunner.Tool("policy", a, b, "--class", "App.S", "-o", cs);
        Assert.True(p.ExitCode == 0, p.Stderr);
        string text = File.ReadAllText(cs);
        Assert.Contains("[Allow(\"@aspnetcore\")]", text);
        Assert.Contains("[Allow(\"@process\")]", text);
        Assert.Contains("[Allow(\"getpgrp\")]", text);
    }
}
