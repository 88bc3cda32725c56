using WebService;

// First statement: from here on, every thread of this process runs under the policy. A call the policy does not
// allow kills the process (SIGSYS, exit code 159).
WebSandbox.Apply();

var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();

app.MapGet("/", () => "Hello from a sandboxed web service\n");
app.MapGet("/time", () => DateTimeOffset.UtcNow.ToString("O") + "\n");
app.MapPost("/echo", async (HttpRequest request) =>
{
    using var reader = new StreamReader(request.Body);
    return await reader.ReadToEndAsync();
});

app.Run();   // until SIGTERM or Ctrl+C: then a graceful shutdown
