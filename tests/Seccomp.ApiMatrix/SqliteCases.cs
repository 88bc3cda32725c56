using Microsoft.Data.Sqlite;

namespace Seccomp.ApiMatrix;

/// <summary>Microsoft.Data.Sqlite (e_sqlite3): what a service does with a local database (issue 19, item 2: @sqlite).</summary>
internal static class SqliteCases
{
    private static SqliteConnection Open(string file, string extra = "")
    {
        var c = new SqliteConnection($"Data Source={file};Pooling=False{extra}");
        c.Open();
        return c;
    }

    private static long Scalar(SqliteConnection c, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        return Convert.ToInt64(cmd.ExecuteScalar());
    }

    private static void Exec(SqliteConnection c, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Create, insert in a transaction and without one, query, update, delete, roll back, in the default
    /// rollback-journal mode (DELETE) with synchronous=FULL (fsync of the journal and the database), then reopen, vacuum.</summary>
    public static int Journal()
    {
        string dir = Cases.Scratch("sqlite-journal");
        string db = Path.Combine(dir, "app.db");
        using (var c = Open(db))
        {
            Cases.Check(((string)new SqliteCommand("PRAGMA journal_mode", c).ExecuteScalar()!) == "delete", "journal mode");
            Exec(c, "PRAGMA synchronous=FULL");
            Exec(c, "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, payload BLOB)");
            using (var tx = c.BeginTransaction())
            {
                using var insert = c.CreateCommand();
                insert.Transaction = tx;
                insert.CommandText = "INSERT INTO items(name, payload) VALUES ($n, $p)";
                var n = insert.Parameters.Add("$n", SqliteType.Text);
                var p = insert.Parameters.Add("$p", SqliteType.Blob);
                for (int i = 0; i < 1000; i++) { n.Value = "item" + i; p.Value = new byte[i % 50 == 0 ? 100_000 : 100]; insert.ExecuteNonQuery(); }
                tx.Commit();
            }
            for (int i = 0; i < 20; i++) Exec(c, $"INSERT INTO items(name) VALUES ('single{i}')"); // one journal and fsync each
            using (var tx = c.BeginTransaction())
            {
                Exec(c, "DELETE FROM items", tx);
                tx.Rollback();
            }
            Cases.Check(Scalar(c, "SELECT count(*) FROM items") == 1020, "rows after rollback");
            Exec(c, "UPDATE items SET payload = NULL WHERE id % 2 = 0");
            Exec(c, "CREATE INDEX by_payload ON items(length(payload))");
            using (var reader = new SqliteCommand("SELECT id, name FROM items WHERE name LIKE 'item9%' ORDER BY id", c).ExecuteReader())
            {
                int rows = 0;
                while (reader.Read()) rows++;
                Cases.Check(rows == 111, "query");
            }
            try { Exec(c, "INSERT INTO items(name) VALUES ('item1')"); Cases.Check(false, "unique constraint"); }
            catch (SqliteException e) when (e.SqliteErrorCode == 19) { }
            Exec(c, "DELETE FROM items WHERE id > 500");
            Exec(c, "VACUUM");
            using (var blob = new SqliteBlob(c, "items", "payload", 1, readOnly: true))
            {
                var buf = new byte[10];
                blob.ReadExactly(buf);
            }
        }
        using (var c = Open(db, ";Mode=ReadOnly"))
            Cases.Check(Scalar(c, "SELECT count(*) FROM items") == 500, "reopened read-only");
        using (var mem = Open(":memory:"))
        {
            Exec(mem, "CREATE TABLE t(x); INSERT INTO t VALUES (1),(2)");
            Cases.Check(Scalar(mem, "SELECT sum(x) FROM t") == 3, "in memory");
            // A sort larger than the cache spills to a temporary file.
            Exec(mem, "PRAGMA cache_size=10; PRAGMA temp_store=FILE; CREATE TABLE big(x); WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM r WHERE i < 50000) INSERT INTO big SELECT randomblob(64) FROM r");
            Scalar(mem, "SELECT count(*) FROM (SELECT x FROM big ORDER BY x)");
        }
        SqliteConnection.ClearAllPools();
        Directory.Delete(dir, true);
        Console.Out.WriteLine("sqlite-journal: ok");
        return 0;
    }

    /// <summary>WAL mode: writes, a reader on a second connection while a writer commits, checkpoints, and the last
    /// close that removes the -wal and -shm files (the shared-memory index is mmapped).</summary>
    public static int Wal()
    {
        string dir = Cases.Scratch("sqlite-wal");
        string db = Path.Combine(dir, "wal.db");
        using (var w = Open(db))
        {
            Cases.Check(((string)new SqliteCommand("PRAGMA journal_mode=WAL", w).ExecuteScalar()!) == "wal", "WAL");
            Exec(w, "PRAGMA synchronous=FULL; CREATE TABLE log(id INTEGER PRIMARY KEY, at TEXT, body TEXT)");
            using var r = Open(db, ";Mode=ReadOnly");
            for (int i = 0; i < 200; i++)
            {
                Exec(w, $"INSERT INTO log(at, body) VALUES (datetime('now'), hex(randomblob({(i % 10 == 0 ? 20000 : 50)})))");
                if (i % 20 == 0) Cases.Check(Scalar(r, "SELECT count(*) FROM log") == i + 1, "reader sees the commit");
            }
            using (var snapshot = r.BeginTransaction())
            {
                long before = Scalar(r, "SELECT count(*) FROM log", snapshot);
                Exec(w, "INSERT INTO log(at, body) VALUES ('later', 'x')");
                Cases.Check(Scalar(r, "SELECT count(*) FROM log", snapshot) == before, "snapshot isolation");
            }
            Exec(w, "PRAGMA wal_checkpoint(TRUNCATE)");
            Exec(w, "PRAGMA wal_autocheckpoint=10");
            for (int i = 0; i < 100; i++) Exec(w, "INSERT INTO log(at, body) VALUES ('auto', hex(randomblob(200)))");
        }
        SqliteConnection.ClearAllPools();
        Cases.Check(!File.Exists(db + "-wal"), "the last close removes the WAL");
        using (var again = Open(db))
            Cases.Check(Scalar(again, "SELECT count(*) FROM log") == 301, "reopened WAL database");
        SqliteConnection.ClearAllPools();
        Directory.Delete(dir, true);
        Console.Out.WriteLine("sqlite-wal: ok");
        return 0;
    }

    /// <summary>Concurrent connections on threads, in both journal modes: a writer holding the lock, a second writer
    /// that gets SQLITE_BUSY without a timeout and waits with one; readers meanwhile; pooled connections.</summary>
    public static int Locking()
    {
        string dir = Cases.Scratch("sqlite-locking");
        foreach (string mode in new[] { "DELETE", "WAL" })
        {
            string db = Path.Combine(dir, mode + ".db");
            using (var setup = Open(db))
                Exec(setup, $"PRAGMA journal_mode={mode}; CREATE TABLE counter(n INTEGER); INSERT INTO counter VALUES (0)");
            using (var holder = Open(db))
            using (var other = Open(db, ";Default Timeout=1"))
            {
                var tx = holder.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: the reserved lock
                Exec(holder, "UPDATE counter SET n = n + 1", tx);
                try { Exec(other, "UPDATE counter SET n = n + 1"); Cases.Check(false, "SQLITE_BUSY"); }
                catch (SqliteException e) when (e.SqliteErrorCode == 5) { }
                var waiter = Task.Run(() =>
                {
                    using var patient = Open(db, ";Default Timeout=10");
                    Exec(patient, "PRAGMA busy_timeout=10000; UPDATE counter SET n = n + 1");
                });
                Thread.Sleep(300);
                tx.Commit();
                tx.Dispose();
                waiter.Wait();
            }
            var workers = Enumerable.Range(0, 4).Select(k => Task.Run(() =>
            {
                for (int i = 0; i < 25; i++)
                {
                    using var c = new SqliteConnection($"Data Source={db};Default Timeout=30");
                    c.Open();
                    Exec(c, "PRAGMA busy_timeout=30000");
                    using var tx = c.BeginTransaction(deferred: false);
                    Exec(c, "UPDATE counter SET n = n + 1", tx);
                    tx.Commit();
                    Scalar(c, "SELECT n FROM counter");
                }
            })).ToArray();
            Task.WaitAll(workers);
            using (var check = Open(db))
                Cases.Check(Scalar(check, "SELECT n FROM counter") == 102, mode + " counter");
            SqliteConnection.ClearAllPools();
        }
        Directory.Delete(dir, true);
        Console.Out.WriteLine("sqlite-locking: ok");
        return 0;
    }

    /// <summary>The error paths: a database in a missing directory, a missing file opened read-only, a file that is not
    /// a database, a read-only database written.</summary>
    public static int Errors()
    {
        string dir = Cases.Scratch("sqlite-errors");
        int caught = 0;
        void Expect(int code, Action a)
        {
            try { a(); }
            catch (SqliteException e) when (e.SqliteErrorCode == code) { caught++; return; }
            throw new InvalidOperationException("no SQLite error " + code);
        }
        Expect(14, () => Open(Path.Combine(dir, "no", "such", "x.db")).Dispose());           // SQLITE_CANTOPEN
        Expect(14, () => Open(Path.Combine(dir, "missing.db"), ";Mode=ReadOnly").Dispose());
        File.WriteAllText(Path.Combine(dir, "text.db"), new string('x', 4096));
        Expect(26, () => { using var c = Open(Path.Combine(dir, "text.db")); Scalar(c, "SELECT count(*) FROM sqlite_master"); }); // SQLITE_NOTADB
        using (var c = Open(Path.Combine(dir, "ro.db"))) Exec(c, "CREATE TABLE t(x)");
        Expect(8, () => { using var c = Open(Path.Combine(dir, "ro.db"), ";Mode=ReadOnly"); Exec(c, "INSERT INTO t VALUES (1)"); }); // SQLITE_READONLY
        Expect(1, () => { using var c = Open(Path.Combine(dir, "ro.db")); Exec(c, "SELECT * FROM nothing"); });                   // SQLITE_ERROR
        SqliteConnection.ClearAllPools();
        Directory.Delete(dir, true);
        Console.Out.WriteLine($"sqlite-errors: {caught} errors as expected");
        return 0;
    }
}
