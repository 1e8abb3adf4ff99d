using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Presence.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster for tests. When <c>ConnectionStrings__Presence</c> is set, that server is
/// used (databases are created and dropped on it, but it cannot be stopped). Otherwise the server binaries
/// under <c>/usr/lib/postgresql/*/bin</c> <c>initdb</c> a temporary directory and start on a free loopback
/// port; as root they run as the <c>postgres</c> user, because PostgreSQL refuses to run as root.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string ConnectionStringVariable = "ConnectionStrings__Presence";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly LocalCluster? _local;
    private readonly string _adminConnectionString;
    private readonly List<string> _databases = [];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _nextDatabase;

    private PostgresServer(LocalCluster? local, string adminConnectionString)
    {
        _local = local;
        _adminConnectionString = adminConnectionString;
    }

    /// <summary>Whether this server was started by the test run, so <see cref="StopAsync"/> and <see cref="StartAsync()"/> work.</summary>
    public bool IsLocal => _local is not null;

    /// <summary>Connection string of the maintenance database (<c>postgres</c>), in Npgsql's format.</summary>
    public string AdminConnectionString => _adminConnectionString;

    /// <summary>True when an external server is configured: tests that stop the server cannot run against it.</summary>
    public static bool UsesExternalServer => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ConnectionStringVariable));

    public static async Task<PostgresServer> LaunchAsync()
    {
        var external = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(external))
            return new PostgresServer(null, external);
        var local = await LocalCluster.CreateAsync();
        return new PostgresServer(local, local.ConnectionString("postgres"));
    }

    /// <summary>Creates an empty database (one per test class keeps tests apart) and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix) => WithDatabase(_adminConnectionString, await CreateDatabaseNameAsync(prefix));

    /// <summary>Creates an empty database and returns its name.</summary>
    public async Task<string> CreateDatabaseNameAsync(string prefix)
    {
        var name = $"{Sanitize(prefix)}_{Environment.ProcessId}_{Interlocked.Increment(ref _nextDatabase)}";
        await RunSqlAsync($"CREATE DATABASE \"{name}\"");
        lock (_databases)
            _databases.Add(name);
        return name;
    }

    /// <summary>The connection string of a database on this server.</summary>
    public string ConnectionStringFor(string database) => WithDatabase(_adminConnectionString, database);

    /// <summary>Stops the server at once, as a crash would (<c>pg_ctl stop -m immediate</c>).</summary>
    public async Task StopAsync()
    {
        var local = _local ?? throw new NotSupportedException("An external PostgreSQL server cannot be stopped by the tests.");
        await _gate.WaitAsync();
        try
        {
            await local.StopAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Starts the server again on the same port and data directory.</summary>
    public async Task StartAsync()
    {
        var local = _local ?? throw new NotSupportedException("An external PostgreSQL server cannot be started by the tests.");
        await _gate.WaitAsync();
        try
        {
            await local.StartAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_local is not null)
        {
            await _local.DisposeAsync();
            return;
        }
        string[] databases;
        lock (_databases)
            databases = [.. _databases];
        foreach (var name in databases)
        {
            try
            {
                await RunSqlAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            }
            catch (InvalidOperationException)
            {
                // Leftovers on a shared server are harmless; the next run uses new names.
            }
        }
    }

    /// <summary>Runs SQL on the maintenance database with <c>psql</c> (this kit has no database driver).</summary>
    public Task RunSqlAsync(string sql) => RunPsqlAsync(database: null, ["-c", sql]);

    /// <summary>Applies a script file with <c>psql -f</c>, as an operator would, stopping at the first error.</summary>
    public Task RunSqlFileAsync(string path, string database) => RunPsqlAsync(database, ["-f", path]);

    private Task RunPsqlAsync(string? database, IReadOnlyList<string> arguments)
    {
        var psql = _local?.Tool("psql") ?? FindClientTool("psql");
        var settings = new DbConnectionStringBuilder { ConnectionString = _adminConnectionString };
        var environment = new Dictionary<string, string>
        {
            ["PGHOST"] = Get(settings, "Host", "Server") ?? "127.0.0.1",
            ["PGPORT"] = Get(settings, "Port") ?? "5432",
            ["PGUSER"] = Get(settings, "Username", "User Name", "User Id", "UserId", "User") ?? "postgres",
            ["PGDATABASE"] = database ?? Get(settings, "Database", "DB") ?? "postgres",
            ["PGCONNECT_TIMEOUT"] = "10",
        };
        if (Get(settings, "Password", "PSW", "PWD") is { } password)
            environment["PGPASSWORD"] = password;
        return ProcessRunner.RunAsync(psql, ["-X", "-q", "-v", "ON_ERROR_STOP=1", .. arguments], environment, runAs: null, CommandTimeout);
    }

    private static string WithDatabase(string connectionString, string database)
    {
        var settings = new DbConnectionStringBuilder { ConnectionString = connectionString };
        foreach (var alias in new[] { "Database", "DB" })
            settings.Remove(alias);
        settings["Database"] = database;
        return settings.ConnectionString;
    }

    private static string? Get(DbConnectionStringBuilder settings, params string[] keys)
    {
        foreach (var key in keys)
        {
            if (settings.TryGetValue(key, out var value) && value is not null && value.ToString() is { Length: > 0 } text)
                return text;
        }
        return null;
    }

    private static string Sanitize(string prefix)
    {
        var builder = new StringBuilder();
        foreach (var c in prefix.ToLowerInvariant())
            builder.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        var name = builder.ToString();
        return name.Length > 40 ? name[..40] : name;
    }

    private static string FindClientTool(string name)
    {
        var candidates = LocalCluster.BinDirectories().Select(d => Path.Combine(d, name))
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, name)));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"'{name}' was not found; install the PostgreSQL client (apt-get install postgresql-client).");
    }

    /// <summary>A cluster in a temporary directory, owned by this process.</summary>
    private sealed class LocalCluster : IAsyncDisposable
    {
        private const string ServiceUser = "postgres";

        private readonly string _binDirectory;
        private readonly string _root;
        private readonly string? _runAs;
        private int _port;

        private LocalCluster(string binDirectory, string root, string? runAs)
        {
            _binDirectory = binDirectory;
            _root = root;
            _runAs = runAs;
        }

        private string DataDirectory => Path.Combine(_root, "data");
        private string SocketDirectory => Path.Combine(_root, "sock");
        private string LogFile => Path.Combine(_root, "server.log");

        public string Tool(string name) => Path.Combine(_binDirectory, name);

        public string ConnectionString(string database) =>
            $"Host=127.0.0.1;Port={_port.ToString(CultureInfo.InvariantCulture)};Username={ServiceUser};Database={database}";

        public static IEnumerable<string> BinDirectories() =>
            Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql")
                    .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var major) ? major : 0)
                    .Select(d => Path.Combine(d, "bin"))
                : [];

        public static async Task<LocalCluster> CreateAsync()
        {
            var bin = BinDirectories().FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
                ?? throw new InvalidOperationException(
                    $"No PostgreSQL server binaries under /usr/lib/postgresql/*/bin: install them (apt-get install postgresql) or set {ConnectionStringVariable}.");
            // PostgreSQL refuses to run as root, so root runs it as the service account the Debian package creates.
            var runAs = Environment.IsPrivilegedProcess ? ServiceUser : null;
            var root = Directory.CreateTempSubdirectory("presence-pg-").FullName;
            var cluster = new LocalCluster(bin, root, runAs);
            try
            {
                Directory.CreateDirectory(cluster.SocketDirectory);
                if (runAs is not null)
                    await ProcessRunner.RunAsync("chown", ["-R", $"{runAs}:", root], null, null, CommandTimeout);
                await ProcessRunner.RunAsync(cluster.Tool("initdb"),
                    ["-D", cluster.DataDirectory, "-U", ServiceUser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
                    null, runAs, CommandTimeout);
                await cluster.StartOnFreePortAsync();
                return cluster;
            }
            catch
            {
                await cluster.DisposeAsync();
                throw;
            }
        }

        private async Task StartOnFreePortAsync()
        {
            // Another process may take the port between probing and binding: try a few.
            for (var attempt = 1; ; attempt++)
            {
                _port = FreeLoopbackPort();
                try
                {
                    await StartAsync();
                    return;
                }
                catch (InvalidOperationException) when (attempt < 3)
                {
                }
            }
        }

        // fsync=off only risks an operating-system crash, which tests do not simulate; a killed server keeps
        // every acknowledged commit. (synchronous_commit=off would not: it loses the last commits on a crash.)
        public Task StartAsync() =>
            ProcessRunner.RunAsync(Tool("pg_ctl"),
            [
                "-D", DataDirectory, "-l", LogFile, "-w", "-t", "60",
                "-o", $"-p {_port.ToString(CultureInfo.InvariantCulture)} -k {SocketDirectory} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200",
                "start",
            ], null, _runAs, CommandTimeout, LogFile);

        public Task StopAsync() =>
            ProcessRunner.RunAsync(Tool("pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "-t", "60", "stop"], null, _runAs, CommandTimeout);

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
                    await StopAsync();
            }
            catch (InvalidOperationException)
            {
                // Already stopped.
            }
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        private static int FreeLoopbackPort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
