// Issue 19's end-to-end web app. Args: --urls ... (Kestrel), --data DIR (the database and the files /file serves).
//   GET  /                 -> "hello"
//   GET  /items            -> the items in SQLite, one per line
//   POST /items            -> inserts the body as an item
//   GET  /big              -> 3 MB
//   POST /echo             -> the body's length
//   GET  /file?name=N      -> DIR/N (404 when missing, 400 for a directory)
//   GET  /fetch?url=U      -> "status N" or "error TYPE" of an outbound GET
//   GET  /boom             -> an exception (500)
//   GET  /ticks            -> how many times the background service wrote to the database
using Microsoft.Data.Sqlite;

#if SECCOMP_POLICY
// --complain: the rollout of docs/reports.md (every call the policy would deny runs, and a line on stderr names it).
TrialWebApp.WebPolicy.Apply(new Seccomp.SeccompOptions { Complain = args.Contains("--complain") });
#endif
var builder = WebApplication.CreateBuilder(args.Where(a => a != "--complain").ToArray());
string data = builder.Configuration["data"] ?? throw new InvalidOperationException("--data DIR is required");
string connection = new SqliteConnectionStringBuilder { DataSource = Path.Combine(data, "app.db"), Pooling = false }.ToString();
using (var db = new SqliteConnection(connection))
{
    db.Open();
    using var create = db.CreateCommand();
    create.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS items(id INTEGER PRIMARY KEY, text TEXT); CREATE TABLE IF NOT EXISTS ticks(at TEXT);";
    create.ExecuteNonQuery();
}
builder.Services.AddSingleton(new Db(connection));
builder.Services.AddHostedService<Ticker>();
builder.Services.AddHttpClient("out", c => c.Timeout = TimeSpan.FromSeconds(5));
var app = builder.Build();

byte[] big = new byte[3 * 1024 * 1024];
new Random(1).NextBytes(big);
app.MapGet("/", () => "hello");
app.MapGet("/items", (Db db) => string.Join("\n", db.Query("SELECT text FROM items ORDER BY id")));
app.MapPost("/items", async (HttpRequest request, Db db) =>
{
    using var reader = new StreamReader(request.Body);
    db.Execute("INSERT INTO items(text) VALUES ($t)", await reader.ReadToEndAsync());
    return Results.Created("/items", null);
});
app.MapGet("/big", () => Results.Bytes(big, "application/octet-stream"));
app.MapPost("/echo", async (HttpRequest request) =>
{
    long n = 0;
    var buffer = new byte[81920];
    int read;
    while ((read = await request.Body.ReadAsync(buffer)) > 0) n += read;
    return n.ToString();
});
app.MapGet("/file", (string name) =>
{
    string path = Path.Combine(data, name);
    if (Directory.Exists(path)) return Results.BadRequest("a directory");
    try { return Results.Text(File.ReadAllText(path)); }
    catch (FileNotFoundException) { return Results.NotFound(); }
});
app.MapGet("/fetch", async (string url, IHttpClientFactory factory) =>
{
    try
    {
        using var response = await factory.CreateClient("out").GetAsync(url);
        return $"status {(int)response.StatusCode}";
    }
    catch (HttpRequestException e) { return $"error {e.HttpRequestError}"; }
    catch (TaskCanceledException) { return "error timeout"; }
});
app.MapGet("/boom", string () => throw new InvalidOperationException("boom"));
app.MapGet("/ticks", (Db db) => db.Query("SELECT count(*) FROM ticks").Single());
app.Run();

internal sealed class Db(string connection)
{
    private readonly object _gate = new();

    public List<string> Query(string sql)
    {
        lock (_gate)
        {
            using var db = new SqliteConnection(connection);
            db.Open();
            using var command = db.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            var rows = new List<string>();
            while (reader.Read()) rows.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
            return rows;
        }
    }

    public void Execute(string sql, string value)
    {
        lock (_gate)
        {
            using var db = new SqliteConnection(connection);
            db.Open();
            using var tx = db.BeginTransaction();
            using var command = db.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$t", value);
            command.ExecuteNonQuery();
            tx.Commit();
        }
    }
}

/// <summary>A background service: a row every 100 ms while the app runs.</summary>
internal sealed class Ticker(Db db) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                db.Execute("INSERT INTO ticks(at) VALUES ($t)", DateTime.UtcNow.ToString("O"));
        }
        catch (OperationCanceledException) { }
    }
}
