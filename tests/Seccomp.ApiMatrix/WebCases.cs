using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Seccomp.ApiMatrix;

/// <summary>
/// ASP.NET Core (Kestrel and the generic host), issue 19, item 2: @aspnetcore. Each case starts a server on loopback
/// ports the kernel picks, prints "ready PID URL...", and serves the driver (Driver.cs, another process) until the
/// driver's signal ends it: the graceful shutdown is part of the case.
/// </summary>
internal static class WebCases
{
    /// <summary>HTTP/1.1 on 127.0.0.1 and [::1]: responses of every size (to 3 MB), request bodies of every size (to
    /// 3 MB, chunked too), static files (UseStaticFiles) and Response.SendFileAsync, a 404; SIGTERM ends it.</summary>
    public static Task<int> Http1(string[] args) => Serve("web-http1", args, (k, _) =>
    {
        k.Listen(IPAddress.Loopback, 0);
        k.Listen(IPAddress.IPv6Loopback, 0);
    });

    /// <summary>HTTP/2 without TLS (h2c, prior knowledge) on one endpoint, HTTP/1.1 on another; SIGINT ends it.</summary>
    public static Task<int> Http2(string[] args) => Serve("web-http2", args, (k, _) =>
    {
        k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2);
        k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http1);
    });

    /// <summary>A Unix-domain socket listener (ListenUnixSocket) beside a TCP one; SIGTERM ends it.</summary>
    public static Task<int> Unix(string[] args) => Serve("web-unix", args, (k, root) =>
    {
        k.ListenUnixSocket(Path.Combine(root, "kestrel.sock"));
        k.Listen(IPAddress.Loopback, 0);
    });

    /// <summary>HTTPS with a certificate file (a self-signed PFX the case writes first: OpenSSL loads, reads it, handshakes),
    /// HTTP/1.1 and HTTP/2 negotiated by ALPN; SIGTERM ends it.</summary>
    public static Task<int> Https(string[] args)
    {
        // Beside the scratch folder, which the driver removes with it once the case has ended.
        string pfx = Path.Combine(Path.GetTempPath(), "apimatrix-web-https-" + Environment.ProcessId + ".pfx");
        using (var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
        {
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=localhost", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
            var san = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
            san.AddDnsName("localhost");
            san.AddIpAddress(IPAddress.Loopback);
            san.AddIpAddress(IPAddress.IPv6Loopback);
            request.CertificateExtensions.Add(san.Build());
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            File.WriteAllBytes(pfx, cert.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "matrix"));
        }
        return Serve("web-https", args, (k, _) =>
        {
            k.Listen(IPAddress.Loopback, 0, o => { o.Protocols = HttpProtocols.Http1AndHttp2; o.UseHttps(pfx, "matrix"); });
            k.Listen(IPAddress.IPv6Loopback, 0, o => o.UseHttps(pfx, "matrix"));
        });
    }

    /// <summary>appsettings.json changed while serving: reloadOnChange's watcher, the new value served; SIGTERM ends it.</summary>
    public static Task<int> Reload(string[] args) => Serve("web-reload", args, (k, _) => k.Listen(IPAddress.Loopback, 0));

    private static async Task<int> Serve(string name, string[] args, Action<KestrelServerOptions, string> listen)
    {
        string root = Cases.Scratch(name);
        Directory.CreateDirectory(Path.Combine(root, "wwwroot"));
        File.WriteAllText(Path.Combine(root, "wwwroot", "small.txt"), "a static file");
        var big = new byte[3 << 20];
        new Random(7).NextBytes(big);
        File.WriteAllBytes(Path.Combine(root, "wwwroot", "big.bin"), big);
        File.WriteAllText(Path.Combine(root, "appsettings.json"), "{\"Matrix\":{\"Value\":\"first\"},\"Logging\":{\"LogLevel\":{\"Default\":\"Warning\",\"Microsoft.Hosting.Lifetime\":\"Information\"}}}");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = root, WebRootPath = Path.Combine(root, "wwwroot") });
        builder.WebHost.ConfigureKestrel(k =>
        {
            listen(k, root);
            k.Limits.MaxRequestBodySize = 16 << 20;
        });
        var app = builder.Build();
        app.UseStaticFiles();
        app.MapGet("/", () => "hello");
        app.MapGet("/bytes/{n:int}", (int n) => Results.Bytes(Payload(n), "application/octet-stream"));
        app.MapGet("/stream/{n:int}", async (int n, HttpResponse response) =>
        {
            // Written in pieces without a length: chunked on HTTP/1.1, DATA frames on HTTP/2.
            var all = Payload(n);
            for (int sent = 0; sent < n; sent += 65536)
            {
                await response.Body.WriteAsync(all.AsMemory(sent, Math.Min(65536, n - sent)));
                await response.Body.FlushAsync();
            }
        });
        app.MapGet("/sendfile", (HttpResponse response) => response.SendFileAsync(Path.Combine(root, "wwwroot", "big.bin")));
        app.MapPost("/echo", async (HttpRequest request) =>
        {
            using var copy = new MemoryStream();
            await request.Body.CopyToAsync(copy);
            return Results.Text(copy.Length + " " + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(copy.ToArray())));
        });
        app.MapGet("/config", (IConfiguration c) => c["Matrix:Value"] ?? "none");
        app.MapGet("/protocol", (HttpRequest r) => r.Protocol);
        app.MapGet("/remote", (HttpContext c) => c.Connection.RemoteIpAddress?.ToString() ?? "unix");
        app.MapGet("/throw", (Func<string>)(() => throw new InvalidOperationException("the matrix's error route")));
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Console.Out.WriteLine("ready " + Environment.ProcessId + " " + root + " " + string.Join(" ", addresses));
        Console.Out.Flush();
        await app.WaitForShutdownAsync();
        await app.DisposeAsync();
        // The scratch folder stays: removing a tree is @file-system's (rmdir), not a web server's; the driver removes it.
        Console.Out.WriteLine(name + ": stopped gracefully");
        return 0;
    }

    /// <summary>n bytes whose hash the driver can compute: byte i is i * 31 mod 251.</summary>
    public static byte[] Payload(int n)
    {
        var b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte)(i * 31 % 251);
        return b;
    }
}
