// A minimal ASP.NET Core service: plain text, JSON, and a small POST echo, on 127.0.0.1 only.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
app.MapGet("/", () => "Hello World!");
app.MapGet("/json", () => new { id = 42, name = "widget", tags = new[] { "a", "b", "c" } });
app.MapPost("/echo", async (HttpRequest req) =>
{
    using var reader = new StreamReader(req.Body);
    return Results.Text(await reader.ReadToEndAsync());
});
app.Run("http://127.0.0.1:5087");
