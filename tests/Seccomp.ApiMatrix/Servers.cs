using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Seccomp.ApiMatrix;

/// <summary>
/// `Seccomp.ApiMatrix serve`: the unfiltered servers of the client cases, run inside the network namespace that
/// netns.sh makes (only loopback, so the ports are fixed and nothing leaves the machine): HTTP on 127.0.0.1 and [::1]
/// port 8080, HTTPS on 8443 (a self-signed certificate made here), a listener that never accepts on 8081 (a full
/// backlog: connects time out), and a DNS responder on 127.0.0.1:53 over UDP and TCP that knows one name,
/// matrix.test (A 127.0.0.1, AAAA ::1), answers big.matrix.test truncated over UDP (so the resolver asks again over
/// TCP) and NXDOMAIN for every other name. Prints "serving" once all listen; runs until killed.
/// </summary>
internal static class Servers
{
    public const int Http = 8080, Https = 8443, Silent = 8081, Closed = 8099;
    public const string Name = "matrix.test", BigName = "big.matrix.test", MissingName = "nosuch.matrix.test";

    public static async Task<int> Run()
    {
        var dns = new DnsResponder();
        dns.Start();
        // A listener whose backlog fills up and is never accepted: further SYNs are dropped, so connects time out.
        var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, Silent));
        silent.Listen(0);
        var fillers = new List<Socket>();
        for (int i = 0; i < 4; i++)
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
            try { s.Connect(new IPEndPoint(IPAddress.Loopback, Silent)); } catch (SocketException) { }
            fillers.Add(s);
        }
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=localhost", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        var san = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddDnsName(Name);
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var generated = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var pfx = generated.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx);
#if NET9_0_OR_GREATER
        var cert = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(pfx, null);
#else
        // .NET 8 has no X509CertificateLoader (added in 9): the constructor it replaces.
        var cert = new System.Security.Cryptography.X509Certificates.X509Certificate2(pfx, (string?)null);
#endif

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = Path.GetTempPath() });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, Http);
            k.Listen(IPAddress.IPv6Loopback, Http);
            k.Listen(IPAddress.Loopback, Https, o => { o.Protocols = HttpProtocols.Http1AndHttp2; o.UseHttps(cert); });
        });
        var app = builder.Build();
        app.MapGet("/", (HttpContext c) => "hello " + c.Connection.LocalIpAddress);
        app.MapGet("/bytes/{n:int}", (int n) => Results.Bytes(WebCases.Payload(n)));
        app.MapPost("/echo", async (HttpRequest r) => { using var m = new MemoryStream(); await r.Body.CopyToAsync(m); return Results.Text(m.Length.ToString()); });
        app.MapGet("/slow", async (CancellationToken ct) => { await Task.Delay(30_000, ct); return "late"; });
        await app.StartAsync();
        Console.Out.WriteLine("serving");
        Console.Out.Flush();
        await app.WaitForShutdownAsync();
        GC.KeepAlive(silent); // the listener and its queued connections live as long as the servers
        GC.KeepAlive(fillers);
        return 0;
    }

    /// <summary>A DNS responder of a few lines: one question per message, class IN, A and AAAA for the known names.</summary>
    private sealed class DnsResponder
    {
        public void Start()
        {
            var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 53));
            _ = Task.Run(async () =>
            {
                while (true)
                {
                    var r = await udp.ReceiveAsync();
                    var answer = Answer(r.Buffer, tcp: false);
                    if (answer != null) await udp.SendAsync(answer, r.RemoteEndPoint);
                }
            });
            var tcp = new TcpListener(IPAddress.Loopback, 53);
            tcp.Start();
            _ = Task.Run(async () =>
            {
                while (true)
                {
                    var client = await tcp.AcceptTcpClientAsync();
                    _ = Task.Run(async () =>
                    {
                        using (client)
                        {
                            var s = client.GetStream();
                            var len = new byte[2];
                            while (true)
                            {
                                try { await s.ReadExactlyAsync(len); } catch (EndOfStreamException) { return; }
                                var q = new byte[len[0] << 8 | len[1]];
                                await s.ReadExactlyAsync(q);
                                var a = Answer(q, tcp: true);
                                if (a == null) return;
                                await s.WriteAsync(new[] { (byte)(a.Length >> 8), (byte)a.Length });
                                await s.WriteAsync(a);
                            }
                        }
                    });
                }
            });
        }

        private static byte[]? Answer(byte[] q, bool tcp)
        {
            if (q.Length < 12) return null;
            int p = 12;
            var labels = new List<string>();
            while (p < q.Length && q[p] != 0) { labels.Add(System.Text.Encoding.ASCII.GetString(q, p + 1, q[p])); p += q[p] + 1; }
            p++;
            if (p + 4 > q.Length) return null;
            int type = q[p] << 8 | q[p + 1];
            int end = p + 4;
            string name = string.Join('.', labels).ToLowerInvariant();
            bool known = name is Name or BigName;
            bool truncate = name == BigName && !tcp;
            var answers = new List<byte[]>();
            if (known && !truncate)
            {
                int copies = name == BigName ? 40 : 1; // enough records that the answer is over 512 bytes
                for (int i = 0; i < copies; i++)
                {
                    if (type == 1) answers.Add(new byte[] { 127, 0, 0, (byte)(i + 1) });
                    if (type == 28) answers.Add(i == 0 ? IPAddress.IPv6Loopback.GetAddressBytes() : IPAddress.Parse("fd00::" + (i + 1).ToString("x")).GetAddressBytes());
                }
            }
            var m = new MemoryStream();
            m.Write(q, 0, 2);                                                   // id
            m.WriteByte((byte)(0x84 | (truncate ? 0x02 : 0) | (q[2] & 0x01)));  // QR, AA, TC, RD copied
            m.WriteByte((byte)(0x80 | (known ? 0 : 3)));                        // RA, NOERROR or NXDOMAIN
            m.Write(new byte[] { 0, 1, 0, (byte)answers.Count, 0, 0, 0, 0 });
            m.Write(q, 12, end - 12);                                           // the question
            foreach (var rdata in answers)
            {
                m.Write(new byte[] { 0xc0, 12, 0, (byte)type, 0, 1, 0, 0, 0, 60, 0, (byte)rdata.Length });
                m.Write(rdata);
            }
            return m.ToArray();
        }
    }
}
