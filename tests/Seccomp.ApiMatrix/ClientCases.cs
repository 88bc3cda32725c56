using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Seccomp.ApiMatrix;

/// <summary>
/// Outbound calls (issue 19, item 2: @http-client), run by netns.sh inside a network namespace of their own with the
/// servers of Servers.cs: nothing leaves the machine, and names resolve through glibc against a resolver on 127.0.0.1.
/// </summary>
internal static class ClientCases
{
    private static HttpClient Client(TimeSpan? timeout = null) => new(new SocketsHttpHandler
    {
        // The servers' certificate is self-signed: trusted here, for this test only.
        SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.Subject == "CN=localhost" },
    })
    { Timeout = timeout ?? TimeSpan.FromSeconds(30) };

    /// <summary>HttpClient to 127.0.0.1, [::1], localhost (files), matrix.test (DNS, A and AAAA), HTTPS (TLS 1.3 and
    /// HTTP/2 by ALPN), small and 3 MB responses and request bodies, connection reuse.</summary>
    public static async Task<int> Http(string[] _)
    {
        using var c = Client();
        foreach (var host in new[] { "127.0.0.1", "[::1]", "localhost", Servers.Name })
        {
            string hello = await c.GetStringAsync($"http://{host}:{Servers.Http}/");
            Cases.Check(hello.StartsWith("hello ", StringComparison.Ordinal), host);
            Cases.Check((await c.GetByteArrayAsync($"http://{host}:{Servers.Http}/bytes/{3 << 20}")).Length == 3 << 20, host + " 3 MB");
        }
        using (var r = await c.PostAsync($"http://127.0.0.1:{Servers.Http}/echo", new ByteArrayContent(new byte[3 << 20])))
            Cases.Check(await r.Content.ReadAsStringAsync() == (3 << 20).ToString(), "3 MB POST");
        foreach (var host in new[] { "127.0.0.1", "localhost", Servers.Name })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"https://{host}:{Servers.Https}/bytes/100000") { Version = HttpVersion.Version20 };
            using var r = await c.SendAsync(request);
            Cases.Check(r.Version == HttpVersion.Version20 && (await r.Content.ReadAsByteArrayAsync()).Length == 100000, "HTTPS " + host);
        }
        using (var r = await c.GetAsync($"http://127.0.0.1:{Servers.Http}/missing")) Cases.Check(r.StatusCode == HttpStatusCode.NotFound, "404");
        Console.Out.WriteLine("client-http: ok");
        return 0;
    }

    /// <summary>The failures: a closed port (connection refused) on IPv4 and IPv6, a name that does not resolve
    /// (NXDOMAIN), a response that does not come within the timeout, a request cancelled, a connect that times out.</summary>
    public static async Task<int> Errors(string[] _)
    {
        int caught = 0;
        using var c = Client(TimeSpan.FromMilliseconds(700));
        async Task Expect<T>(Func<Task> a, string what) where T : Exception
        {
            try { await a(); }
            catch (T) { caught++; return; }
            throw new InvalidOperationException("no " + typeof(T).Name + ": " + what);
        }
        await Expect<HttpRequestException>(() => c.GetStringAsync($"http://127.0.0.1:{Servers.Closed}/"), "refused v4");
        await Expect<HttpRequestException>(() => c.GetStringAsync($"http://[::1]:{Servers.Closed}/"), "refused v6");
        await Expect<HttpRequestException>(() => c.GetStringAsync($"http://{Servers.MissingName}:{Servers.Http}/"), "NXDOMAIN");
        await Expect<TaskCanceledException>(() => c.GetStringAsync($"http://127.0.0.1:{Servers.Http}/slow"), "response timeout");
        await Expect<TaskCanceledException>(() => c.GetStringAsync($"http://127.0.0.1:{Servers.Silent}/"), "connect timeout");
        using (var cts = new CancellationTokenSource(200))
        using (var patient = Client())
            await Expect<TaskCanceledException>(() => patient.GetStringAsync($"http://[::1]:{Servers.Http}/slow", cts.Token), "cancelled");
        Console.Out.WriteLine($"client-errors: {caught} failures as expected");
        return 0;
    }

    /// <summary>Sockets: ConnectAsync to IPv4, IPv6, dual-mode to a mapped address, by name (every address tried), a
    /// refused connect, a cancelled one; a UDP exchange with the resolver; send and receive on a connected socket.</summary>
    public static async Task<int> Sockets(string[] _)
    {
        foreach (var ep in new EndPoint[] { new IPEndPoint(IPAddress.Loopback, Servers.Http), new IPEndPoint(IPAddress.IPv6Loopback, Servers.Http), new DnsEndPoint("localhost", Servers.Http), new DnsEndPoint(Servers.Name, Servers.Http) })
        {
            using var s = ep is IPEndPoint ip ? new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp) : new Socket(SocketType.Stream, ProtocolType.Tcp);
            s.NoDelay = true;
            await s.ConnectAsync(ep);
            await s.SendAsync("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"u8.ToArray());
            var buf = new byte[4096];
            int n, total = 0;
            while ((n = await s.ReceiveAsync(buf)) > 0) total += n;
            Cases.Check(total > 0, "answer over " + ep);
            Cases.Check(s.RemoteEndPoint != null && s.LocalEndPoint != null, "end points");
        }
        using (var dual = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            Cases.Check(dual.DualMode, "dual mode");
            await dual.ConnectAsync(IPAddress.Loopback.MapToIPv6(), Servers.Http);
        }
        using (var refused = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            try { await refused.ConnectAsync(IPAddress.Loopback, Servers.Closed); Cases.Check(false, "refused"); }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused) { }
        }
        using (var slow = new Socket(SocketType.Stream, ProtocolType.Tcp))
        using (var cts = new CancellationTokenSource(300))
        {
            try { await slow.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Servers.Silent), cts.Token); Cases.Check(false, "cancelled connect"); }
            catch (OperationCanceledException) { }
        }
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync("127.0.0.1", Servers.Http);
            tcp.ReceiveTimeout = 1000;
            var stream = tcp.GetStream();
            await stream.WriteAsync("GET /bytes/100000 HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
            var buf = new byte[65536];
            Cases.Check(await stream.ReadAsync(buf) > 0, "TcpClient");
        }
        Console.Out.WriteLine("client-sockets: ok");
        return 0;
    }

    /// <summary>Name resolution through glibc: files (localhost), DNS over UDP (A and AAAA), DNS over TCP (a truncated
    /// answer), NXDOMAIN, synchronous and asynchronous (getaddrinfo_a) lookups, with cancellation, and the host name.</summary>
    public static async Task<int> Names(string[] _)
    {
        Cases.Check((await Dns.GetHostAddressesAsync("localhost")).Any(IPAddress.IsLoopback), "localhost");
        var both = await Dns.GetHostAddressesAsync(Servers.Name);
        Cases.Check(both.Contains(IPAddress.Loopback) && both.Contains(IPAddress.IPv6Loopback), "A and AAAA: " + string.Join(", ", both.Select(a => a.ToString())));
        Cases.Check(Dns.GetHostAddresses(Servers.Name, AddressFamily.InterNetwork).Single().Equals(IPAddress.Loopback), "A only");
        Cases.Check(Dns.GetHostEntry(Servers.Name).AddressList.Length >= 1, "GetHostEntry");
        Cases.Check((await Dns.GetHostAddressesAsync(Servers.BigName, AddressFamily.InterNetwork)).Length == 40, "DNS over TCP");
        try { await Dns.GetHostAddressesAsync(Servers.MissingName); Cases.Check(false, "NXDOMAIN"); }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.HostNotFound) { }
        try { Dns.GetHostEntry(Servers.MissingName); Cases.Check(false, "NXDOMAIN, synchronous"); }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.HostNotFound) { }
        using (var cts = new CancellationTokenSource())
        {
            cts.Cancel();
            try { await Dns.GetHostAddressesAsync(Servers.Name, cts.Token); Cases.Check(false, "cancelled lookup"); }
            catch (OperationCanceledException) { }
        }
        Cases.Check(Dns.GetHostName().Length > 0, "host name");
        Cases.Check(IPAddress.Parse("::1").Equals(IPAddress.IPv6Loopback) && SHA256.HashData(new byte[1]).Length == 32, "no-op");
        Console.Out.WriteLine("client-names: ok");
        return 0;
    }
}
