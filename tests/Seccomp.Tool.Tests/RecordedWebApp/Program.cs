// A minimal ASP.NET Core app (the `dotnet new web` template plus two endpoints) for WebAppRecordTests.
//   GET /      -> "hello"
//   GET /time  -> the current time
//   POST /echo -> the request body
#if SECCOMP_POLICY
// The class dotnet-seccomp wrote from a recording of this app: first statement, before the host starts.
RecordedWebApp.WebPolicy.Apply();
#endif

var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();

app.MapGet("/", () => "hello");
app.MapGet("/time", () => DateTimeOffset.UtcNow.ToString("O"));
app.MapPost("/echo", async (HttpRequest request) =>
{
    using var reader = new StreamReader(request.Body);
    return await reader.ReadToEndAsync();
});

app.Run();
