using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Seccomp.ApiMatrix;

/// <summary>
/// The unfiltered other side of the cases that print "ready ...": `Seccomp.ApiMatrix drive CASE PID ROOT URL...` sends
/// the case's requests over loopback (or its Unix socket), checks every answer, then ends the case with its signal.
/// Exit status 0 when every answer was right.
/// </summary>
internal static class Driver
{
    private const int SIGINT = 2, SIGTERM = 15;

    public static async Task<int> Run(string[] args)
    {
        string @case = args[0];
        int pid = int.Parse(args[1]);
        string root = args[2];
        var urls = args[3..];
        try
        {
            switch (@case)
            {
                case "web-http1":
                    foreach (var url in urls) await Http(url, HttpVersion.Version11, full: true);
                    await Concurrent(urls[0], 50);
                    Signal(pid, SIGTERM);
                    break;
                case "web-http2":
                    string h2 = urls.First(u => Protocol(u).Result == "HTTP/2");
                    await Http(h2, HttpVersion.Version20, full: true);
                    await Http(urls.First(u => u != h2), HttpVersion.Version11, full: false);
                    Signal(pid, SIGINT);
                    break;
                case "web-unix":
                    string sock = urls.First(u => u.StartsWith("http://unix:", StringComparison.Ordinal))["http://unix:".Length..];
                    await Http("http://localhost", HttpVersion.Version11, full: true, unixSocket: sock);
                    await Http(urls.First(u => !u.StartsWith("http://unix:", StringComparison.Ordinal)), HttpVersion.Version11, full: false);
                    Signal(pid, SIGTERM);
                    break;
                case "web-https":
                    foreach (var url in urls) await Http(url, HttpVersion.Version11, full: false);
                    await Http(urls[0], HttpVersion.Version20, full: true);
                    Signal(pid, SIGTERM);
                    break;
                case "web-reload":
                    await Reload(urls[0], root);
                    Signal(pid, SIGTERM);
                    break;
                default:
                    Console.Error.WriteLine("drive: no driver for " + @case);
                    return 2;
            }
            Console.Out.WriteLine("drive " + @case + ": every answer right");
            return RemoveScratch(pid, root) ? 0 : 1;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine("drive " + @case + ": " + e);
            Signal(pid, SIGTERM);
            return 1;
        }
    }

    /// <summary>Once the case has ended (gone or a zombie), its scratch folder (and the HTTPS case's PFX beside it) goes.</summary>
    private static bool RemoveScratch(int pid, string root)
    {
        for (int i = 0; i < 1200; i++)
        {
            string? stat = null;
            try { stat = File.ReadAllText($"/proc/{pid}/stat"); } catch (IOException) { }
            if (stat == null || stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z'))
            {
                if (Directory.Exists(root)) Directory.Delete(root, true);
                File.Delete(root + ".pfx");
                return true;
            }
            Thread.Sleep(50);
        }
        Console.Error.WriteLine($"drive: the case (pid {pid}) did not end within 60 s of its signal");
        return false;
    }

    private static HttpClient Client(Version version, string? unixSocket = null)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) };
        // The HTTPS case's certificate is self-signed for localhost, 127.0.0.1 and ::1: trusted here, for this test only.
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.Subject == "CN=localhost";
        if (unixSocket != null)
            handler.ConnectCallback = async (_, ct) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await s.ConnectAsync(new UnixDomainSocketEndPoint(unixSocket), ct);
                return new NetworkStream(s, ownsSocket: true);
            };
        return new HttpClient(handler)
        {
            DefaultRequestVersion = version,
            // HTTP/2 without TLS: prior knowledge (h2c); with TLS, ALPN.
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    private static async Task<string> Protocol(string url)
    {
        try
        {
            using var c = Client(HttpVersion.Version20);
            return await c.GetStringAsync(url + "/protocol");
        }
        catch (HttpRequestException) { return "HTTP/1.1"; }
    }

    /// <summary>Every size of response and request body, static files, errors, on one keep-alive connection pool.</summary>
    private static async Task Http(string url, Version version, bool full, string? unixSocket = null)
    {
        using var c = Client(version, unixSocket);
        Expect(await c.GetStringAsync(url + "/") == "hello", "GET /");
        var sizes = full ? new[] { 0, 1, 100, 4096, 65536, 1 << 20, 3 << 20 } : new[] { 10, 3 << 20 };
        foreach (int n in sizes)
        {
            Expect((await c.GetByteArrayAsync(url + "/bytes/" + n)).AsSpan().SequenceEqual(WebCases.Payload(n)), "GET /bytes/" + n);
            Expect((await c.GetByteArrayAsync(url + "/stream/" + n)).AsSpan().SequenceEqual(WebCases.Payload(n)), "GET /stream/" + n);
            var body = WebCases.Payload(n);
            string hash = n + " " + Convert.ToHexString(SHA256.HashData(body));
            using (var r = await c.PostAsync(url + "/echo", new ByteArrayContent(body)))
                Expect(await r.Content.ReadAsStringAsync() == hash, "POST /echo " + n);
            var chunked = new StreamContent(new MemoryStream(body));
            chunked.Headers.ContentLength = null; // no length: chunked on HTTP/1.1
            using (var r = await c.PostAsync(url + "/echo", chunked))
                Expect(await r.Content.ReadAsStringAsync() == hash, "POST chunked /echo " + n);
        }
        Expect(await c.GetStringAsync(url + "/small.txt") == "a static file", "static small file");
        var big = await c.GetByteArrayAsync(url + "/big.bin");
        Expect(big.Length == 3 << 20, "static 3 MB file");
        using (var ranged = new HttpRequestMessage(HttpMethod.Get, url + "/big.bin"))
        {
            ranged.Version = version; // a message made by hand has HTTP/1.1 and "or lower" unless told
            ranged.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            ranged.Headers.Range = new RangeHeaderValue(1000, 1999);
            using var r = await c.SendAsync(ranged);
            var part = await r.Content.ReadAsByteArrayAsync();
            Expect(r.StatusCode == HttpStatusCode.PartialContent && part.AsSpan().SequenceEqual(big.AsSpan(1000, 1000)), $"range request: {(int)r.StatusCode}, {part.Length} bytes, {r.Version}: {System.Text.Encoding.UTF8.GetString(part.AsSpan(0, Math.Min(part.Length, 100)))}");
        }
        Expect((await c.GetByteArrayAsync(url + "/sendfile")).AsSpan().SequenceEqual(big), "SendFileAsync");
        using (var r = await c.GetAsync(url + "/missing")) Expect(r.StatusCode == HttpStatusCode.NotFound, "404");
        using (var r = await c.GetAsync(url + "/throw")) Expect(r.StatusCode == HttpStatusCode.InternalServerError, "500");
        string protocol = await c.GetStringAsync(url + "/protocol");
        Expect(protocol == (version == HttpVersion.Version20 ? "HTTP/2" : "HTTP/1.1"), "protocol " + protocol);
        await c.GetStringAsync(url + "/remote");
    }

    private static async Task Concurrent(string url, int n)
    {
        using var c = Client(HttpVersion.Version11);
        var all = Enumerable.Range(0, n).Select(i => c.GetByteArrayAsync(url + "/bytes/" + (i * 1000))).ToArray();
        await Task.WhenAll(all);
        Expect(all.Select((t, i) => t.Result.Length == i * 1000).All(x => x), n + " concurrent requests");
    }

    private static async Task Reload(string url, string root)
    {
        using var c = Client(HttpVersion.Version11);
        Expect(await c.GetStringAsync(url + "/config") == "first", "configuration before the change");
        string file = Path.Combine(root, "appsettings.json");
        File.WriteAllText(file, File.ReadAllText(file).Replace("first", "second"));
        for (int i = 0; i < 200; i++)
        {
            if (await c.GetStringAsync(url + "/config") == "second") return;
            await Task.Delay(50);
        }
        throw new InvalidOperationException("the configuration was not reloaded within 10 s");
    }

    private static void Expect(bool ok, string what)
    {
        if (!ok) throw new InvalidOperationException("wrong answer: " + what);
    }

    private static void Signal(int pid, int sig) => kill(pid, sig);

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
