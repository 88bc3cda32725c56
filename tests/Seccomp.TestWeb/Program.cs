using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Seccomp.Hosting;
using Seccomp.TestWeb;

// Modes:
//   readme        the README's two-phase pattern: BroadSandbox.Apply(); ... NarrowSandbox.ApplyWhen(ApplicationStarted)
//   gate          the same, narrowed by GET /narrow, so a request can be served under the broad policy first
//   hosting       BroadSandbox.Apply(); builder.Services.AddSeccomp(NarrowSandbox.Install)
//   hosting-fails DeniesSeccompBroad.Apply(); builder.Services.AddSeccomp(NarrowSandbox.Install): the host must not start
//   generic-host  Host.CreateApplicationBuilder with AddSeccomp(BroadSandbox.Install, NarrowSandbox.Install), no web server
//   reports       no policy in Main; builder.Services.AddSeccomp(ServingSandbox.Install, builder.Configuration): complain mode
//                 and in-process reports from the command line (--Seccomp:Complain=true, --Seccomp:ReportViolations=true),
//                 logged by the JSON console formatter on stdout
// "listening=URL" is printed once the app has started; the test talks to it on 127.0.0.1 only.
string mode = args.Length > 0 ? args[0] : "readme";

if (mode == "hosting-fails") DeniesSeccompBroad.Apply();
else if (mode is not ("generic-host" or "reports")) BroadSandbox.Apply();

if (mode == "generic-host")
{
    var hostBuilder = Host.CreateApplicationBuilder(Array.Empty<string>());
    hostBuilder.Services.AddSeccomp(BroadSandbox.Install, NarrowSandbox.Install);
    using var host = hostBuilder.Build();
    host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() =>
    {
        Console.WriteLine("started=True");
        Console.WriteLine("filters=" + Probe.Filters());
        Console.WriteLine("getpgid_errno=" + Probe.GetpgidErrno());
    });
    await host.StartAsync();
    await host.StopAsync();
    return 0;
}

var builder = WebApplication.CreateBuilder(mode == "reports" ? args.Skip(1).ToArray() : Array.Empty<string>());
builder.WebHost.UseUrls("http://127.0.0.1:0");
if (mode is "hosting" or "hosting-fails") builder.Services.AddSeccomp(NarrowSandbox.Install);
// What the Seccomp meter has counted, per syscall and action, as a MeterListener (an exporter) sees it: GET /metrics.
var counted = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
using var meters = new System.Diagnostics.Metrics.MeterListener();
meters.InstrumentPublished = (instrument, listener) =>
{
    if (instrument.Meter.Name == SeccompReports.MeterName && instrument.Name == SeccompReports.CounterName) listener.EnableMeasurementEvents(instrument);
};
meters.SetMeasurementEventCallback<long>((_, value, tags, _) =>
{
    string key = "";
    foreach (var t in tags) if (t.Key is "syscall" or "action") key += (key.Length > 0 ? "/" : "") + t.Value;
    counted.AddOrUpdate(key, value, (_, c) => c + value);
});
meters.Start();
if (mode == "reports")
{
    builder.Logging.ClearProviders();
    builder.Logging.AddJsonConsole();
    builder.Services.AddSeccomp(ServingSandbox.Install, builder.Configuration);
}
var app = builder.Build();

using var gate = new CancellationTokenSource();
if (mode == "readme") NarrowSandbox.ApplyWhen(app.Lifetime.ApplicationStarted);
if (mode == "gate") NarrowSandbox.ApplyWhen(gate.Token);

app.MapGet("/", () => "ok");
app.MapGet("/metrics", () => string.Join(",", counted.OrderBy(kv => kv.Key).Select(kv => kv.Key + "=" + kv.Value)));
app.MapGet("/filters", () => Probe.Filters());
app.MapGet("/getpgid", () => Probe.GetpgidErrno().ToString(System.Globalization.CultureInfo.InvariantCulture));
app.MapGet("/narrow", () => { gate.Cancel(); return "narrowed"; });
app.MapGet("/quit", (IHostApplicationLifetime lifetime) => { lifetime.StopApplication(); return "bye"; });

app.Lifetime.ApplicationStarted.Register(() =>
{
    var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
    Console.WriteLine("listening=" + addresses.First());
    Console.Out.Flush();
});
try
{
    await app.RunAsync();
}
catch (Exception ex)
{
    Console.WriteLine("host_failed=" + ex.GetType().Name);
    Console.WriteLine("host_error=" + ex.Message.Replace('\n', ' '));
    return 3;
}
return 0;

internal static partial class Probe
{
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long syscall(long nr, long a0);

    /// <summary>getpgid(0): allowed by the broad policy only; the errno it fails with, or 0.</summary>
    public static int GetpgidErrno()
    {
        long nr = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 121 : 155;
        return syscall(nr, 0) < 0 ? Marshal.GetLastPInvokeError() : 0;
    }

    public static string Filters() =>
        File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Seccomp_filters:", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "?";
}
