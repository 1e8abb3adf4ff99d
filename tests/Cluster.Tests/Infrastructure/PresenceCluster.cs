using System.Diagnostics;
using System.Globalization;
using System.Net;
using Npgsql;

namespace Presence.Cluster.Tests;

/// <summary>
/// The production topology on loopback: silos (grains and the API) and gateways (the API as Orleans clients), as child
/// processes over one throwaway PostgreSQL that holds membership, grain state, subscriptions and reminders. Tests kill,
/// stop and add processes; <see cref="EnsureShapeAsync"/> puts the cluster back into its shape (replacing what died) and
/// waits until membership agrees, so a test sharing the cluster starts from a whole one whatever ran before.
/// </summary>
public sealed class PresenceCluster : IAsyncDisposable
{
    /// <summary>Generous: a cold start JITs the whole host, on two cores shared with other test runs.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    /// <summary>What the silos run as <c>Presence:Cluster:ServiceId</c> (the default).</summary>
    public const string ServiceId = "presence";

    /// <summary>Set it (to anything) to keep every process's log after the run, in <see cref="LogDirectory"/>.</summary>
    public const string KeepLogsVariable = "PRESENCE_CLUSTER_KEEP_LOGS";

    private readonly PostgresServer _postgres;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly List<ClusterNode> _silos = [];
    private readonly List<ClusterNode> _gateways = [];
    private readonly AppToken _token = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<string> _unreported = [];
    private ManagementProbe? _probe;
    private int _siloNames;
    private int _gatewayNames;

    private PresenceCluster(PostgresServer postgres, string connectionString, string clusterId, IReadOnlyDictionary<string, string> settings,
        int siloCount, int gatewayCount, string logDirectory)
    {
        _postgres = postgres;
        ConnectionString = connectionString;
        ClusterId = clusterId;
        _settings = settings;
        SiloCount = siloCount;
        GatewayCount = gatewayCount;
        LogDirectory = logDirectory;
    }

    public string ConnectionString { get; }

    public string ClusterId { get; }

    /// <summary>The shape: this many silos and gateways.</summary>
    public int SiloCount { get; }

    public int GatewayCount { get; }

    /// <summary>Where every process's output is copied (one file per process).</summary>
    public string LogDirectory { get; }

    public PostgresServer Postgres => _postgres;

    /// <summary>Where the cluster writes what it does; set by each test (xunit output belongs to one test).</summary>
    private ITestOutputHelper? Output { get; set; }

    /// <summary>Silos whose process is running, in start order.</summary>
    public IReadOnlyList<ClusterNode> Silos
    {
        get
        {
            lock (_silos)
                return [.. _silos.Where(s => !s.HasExited)];
        }
    }

    /// <summary>Gateways whose process is running, in start order.</summary>
    public IReadOnlyList<ClusterNode> Gateways
    {
        get
        {
            lock (_gateways)
                return [.. _gateways.Where(g => !g.HasExited)];
        }
    }

    /// <summary>The management grain, through an Orleans client in the test process.</summary>
    public ManagementProbe Probe => _probe ?? throw new InvalidOperationException("The cluster has not started.");

    /// <summary>
    /// Starts PostgreSQL, <paramref name="silos"/> silos (the first alone: it applies the schema) and
    /// <paramref name="gateways"/> gateways, every one with <paramref name="settings"/> (configuration keys, <c>:</c> or <c>__</c>).
    /// </summary>
    public static async Task<PresenceCluster> StartAsync(string name, IReadOnlyDictionary<string, string> settings, int silos = 3, int gateways = 2)
    {
        var postgres = await PostgresServer.LaunchAsync();
        PresenceCluster? cluster = null;
        try
        {
            var connectionString = await postgres.CreateDatabaseAsync(name);
            var clusterId = $"{name}-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid().ToString("N")[..6]}";
            var logs = Directory.CreateTempSubdirectory($"presence-{name}-").FullName;
            cluster = new PresenceCluster(postgres, connectionString, clusterId, settings, silos, gateways, logs);
            await cluster.EnsureShapeAsync();
            return cluster;
        }
        catch
        {
            if (cluster is not null)
                await cluster.DisposeAsync();
            else
                await postgres.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Puts the cluster back into its shape: forgets processes that exited, starts replacements (and the missing
    /// silos before the gateways), and waits until the membership table, the management grain and every process's
    /// <c>/health/ready</c> agree that exactly the running silos are active.
    /// </summary>
    public async Task EnsureShapeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            await ForgetExitedAsync();
            var started = new List<string>();
            if (Silos.Count == 0)
                started.Add((await StartSiloCoreAsync()).Name); // alone: it applies the schema
            var starting = new List<Task<ClusterNode>>();
            for (var i = Silos.Count; i < SiloCount; i++)
                starting.Add(StartSiloCoreAsync());
            for (var i = Gateways.Count; i < GatewayCount; i++)
                starting.Add(StartGatewayCoreAsync());
            started.AddRange((await Task.WhenAll(starting)).Select(n => n.Name));
            _probe ??= await ManagementProbe.ConnectAsync(ConnectionString, ClusterId, ServiceId);
            await WaitForStableMembershipAsync(StartTimeout);
            if (started.Count > 0)
                Log($"cluster {ClusterId}: started {string.Join(", ", started)}; shape {Silos.Count} silos + {Gateways.Count} gateways ready in {clock.ElapsedMilliseconds} ms (logs in {LogDirectory})");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Starts one more silo and waits until it is ready (Active, storage answering).</summary>
    public async Task<ClusterNode> StartSiloAsync()
    {
        await _gate.WaitAsync();
        try
        {
            return await StartSiloCoreAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Waits until the membership table lists exactly the running silos as Active (and the killed ones as not Active), the
    /// management grain sees the same, and every running process is ready.
    /// </summary>
    public async Task WaitForStableMembershipAsync(TimeSpan timeout)
    {
        string state = "";
        await Eventually.TrueAsync(async () =>
        {
            var running = Silos.Select(s => s.SiloPort!.Value).ToHashSet();
            var rows = await MembershipAsync();
            var active = rows.Where(r => r.Status == MembershipRow.Active).Select(r => r.Port).ToHashSet();
            IReadOnlySet<int> seen;
            try
            {
                seen = await Probe.ActiveSiloPortsAsync();
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                state = $"management grain: {exception.GetType().Name}: {exception.Message}";
                return false;
            }
            var notReady = new List<string>();
            foreach (var node in Silos.Concat(Gateways))
            {
                if (await ReadyStatusAsync(node) != HttpStatusCode.OK)
                    notReady.Add(node.Name);
            }
            state = $"running silos {Ports(running)}, active in the table {Ports(active)}, active for the management grain {Ports(seen)}, not ready: [{string.Join(", ", notReady)}]";
            return active.SetEquals(running) && seen.SetEquals(running) && notReady.Count == 0;
        }, timeout, $"the cluster did not settle ({state})");
    }

    /// <summary>The GET /health/ready status of a process, or null when it does not answer.</summary>
    public static async Task<HttpStatusCode?> ReadyStatusAsync(ClusterNode node)
    {
        using var http = new HttpClient { BaseAddress = node.Process.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        return await ServiceProcess.StatusOfAsync(http, "/health/ready");
    }

    /// <summary>The cluster's rows of the membership table, read directly.</summary>
    public async Task<IReadOnlyList<MembershipRow>> MembershipAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT port, generation, status, iamalivetime FROM orleansmembershiptable WHERE deploymentid = $1 ORDER BY port, generation", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ClusterId });
        var rows = new List<MembershipRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add(new MembershipRow(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetFieldValue<DateTimeOffset>(3)));
        return rows;
    }

    /// <summary>
    /// The stored state rows of <paramref name="usernames"/> (app demo/demo), read directly from the group-commit table:
    /// what survives whatever the silos remember.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, StoredUserState>> ReadStoredStatesAsync(IEnumerable<string> usernames)
    {
        var byGrainId = usernames.ToDictionary(u => $"{ManagementProbe.UserGrainType}/{PresenceRest.Org}/{PresenceRest.App}/{u}", StringComparer.Ordinal);
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT grain_id, payload FROM presence_grain_state WHERE service_id = $1 AND grain_id = ANY($2)", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ServiceId });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. byGrainId.Keys] });
        var states = new Dictionary<string, StoredUserState>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            states[byGrainId[reader.GetString(0)]] = StoredUserState.Parse(byGrainId[reader.GetString(0)], reader.GetFieldValue<byte[]>(1));
        return states;
    }

    /// <summary>The running silo whose silo-to-silo port is <paramref name="port"/>.</summary>
    public ClusterNode SiloAt(int port) =>
        Silos.SingleOrDefault(s => s.SiloPort == port) ?? throw new InvalidOperationException($"No running silo has silo port {port}.");

    /// <summary>Writes to the current test's output; what happens while no test listens is kept for the next one.</summary>
    public void Log(string message)
    {
        var line = $"{DateTime.Now:HH:mm:ss.fff} {message}";
        lock (_unreported)
        {
            if (Output is { } output)
            {
                try
                {
                    output.WriteLine(line);
                    return;
                }
                catch (InvalidOperationException)
                {
                    // The test that set the output has finished.
                }
            }
            _unreported.Add(line);
        }
    }

    /// <summary>Sends what the cluster does to <paramref name="output"/> (null: to nobody), first what happened while no test listened.</summary>
    public void AttachOutput(ITestOutputHelper? output)
    {
        lock (_unreported)
        {
            Output = output;
            if (output is null)
                return;
            foreach (var line in _unreported)
                output.WriteLine($"(earlier) {line}");
            _unreported.Clear();
        }
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        // Unpooled: PostgreSQL is stopped and started under some tests, which would leave dead connections in a pool.
        var settings = new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false, Timeout = 10 };
        var connection = new NpgsqlConnection(settings.ConnectionString);
        try
        {
            await connection.OpenAsync();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task ForgetExitedAsync()
    {
        List<ClusterNode> exited;
        lock (_silos)
        lock (_gateways)
        {
            exited = [.. _silos.Concat(_gateways).Where(n => n.HasExited)];
            _silos.RemoveAll(n => n.HasExited);
            _gateways.RemoveAll(n => n.HasExited);
        }
        foreach (var node in exited)
            await node.DisposeAsync();
    }

    private Task<ClusterNode> StartSiloCoreAsync() =>
        StartNodeAsync(NodeKind.Silo, $"silo-{Interlocked.Increment(ref _siloNames).ToString(CultureInfo.InvariantCulture)}");

    private Task<ClusterNode> StartGatewayCoreAsync() =>
        StartNodeAsync(NodeKind.Gateway, $"gateway-{(char)('a' + Interlocked.Increment(ref _gatewayNames) - 1)}");

    private async Task<ClusterNode> StartNodeAsync(NodeKind kind, string name)
    {
        // Another process may take a free port between probing and binding it: try a few times.
        for (var attempt = 1; ; attempt++)
        {
            var port = TestPorts.Next();
            int? siloPort = kind == NodeKind.Silo ? TestPorts.Next() : null;
            int? gatewayPort = kind == NodeKind.Silo ? TestPorts.Next() : null;
            var environment = EnvironmentFor(kind, siloPort, gatewayPort);
            var process = ServiceProcess.Launch(name, kind == NodeKind.Silo ? ServiceAssemblies.Silo : ServiceAssemblies.Gateway,
                port, environment, Path.Combine(LogDirectory, $"{name}.log"));
            var node = new ClusterNode(kind, process, siloPort, gatewayPort, new PresenceRest(process.BaseAddress, _token));
            try
            {
                var took = await process.WaitForHealthAsync("/health/ready", StartTimeout);
                node.MarkReady();
                Log($"{name} ready on http port {port}{(siloPort is { } p ? $", silo port {p}" : "")} in {took.TotalMilliseconds:0} ms");
                var list = kind == NodeKind.Silo ? _silos : _gateways;
                lock (list)
                    list.Add(node);
                return node;
            }
            catch (ServiceExitedException exception) when (attempt < 3 && exception.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await node.DisposeAsync();
            }
            catch
            {
                await node.DisposeAsync();
                throw;
            }
        }
    }

    private Dictionary<string, string> EnvironmentFor(NodeKind kind, int? siloPort, int? gatewayPort)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ConnectionStrings:Presence"] = ConnectionString,
            ["Presence:Cluster:Provider"] = "Postgres",
            ["Presence:Cluster:ClusterId"] = ClusterId,
            ["Presence:Cluster:ServiceId"] = ServiceId,
            // Load loops write faster than the per-app limit (50 per second per route); limits are tested elsewhere.
            ["Presence:RateLimits:Enabled"] = "false",
            // Every change is an event (no coalescing), so a watcher can check versions one by one.
            ["Presence:Limits:CoalescingWindow"] = "00:00:00",
            // One line per entry; the test adds the time each line arrived.
            ["Logging:Console:FormatterName"] = "simple",
            ["Logging:Console:FormatterOptions:SingleLine"] = "true",
            ["Logging:Console:FormatterOptions:ColorBehavior"] = "Disabled",
            ["Logging:LogLevel:Presence"] = "Information",
            // Not a line per HTTP request (the gateway has no appsettings.json to say so).
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        };
        if (kind == NodeKind.Silo)
        {
            environment["Presence:Storage:Provider"] = "Postgres";
            environment["Presence:Cluster:SiloPort"] = siloPort!.Value.ToString(CultureInfo.InvariantCulture);
            environment["Presence:Cluster:GatewayPort"] = gatewayPort!.Value.ToString(CultureInfo.InvariantCulture);
            environment["Presence:Cluster:AdvertisedAddress"] = "127.0.0.1";
        }
        foreach (var (key, value) in _settings)
            environment[key.Replace("__", ":", StringComparison.Ordinal)] = value;
        return environment;
    }

    private static string Ports(IEnumerable<int> ports) => $"[{string.Join(", ", ports.Order())}]";

    public async ValueTask DisposeAsync()
    {
        if (_probe is not null)
            await _probe.DisposeAsync();
        List<ClusterNode> nodes;
        lock (_silos)
        lock (_gateways)
            nodes = [.. _gateways, .. _silos];
        await Task.WhenAll(nodes.Select(n => n.DisposeAsync().AsTask()));
        await _postgres.DisposeAsync();
        if (System.Environment.GetEnvironmentVariable(KeepLogsVariable) is { Length: > 0 })
            return;
        try
        {
            Directory.Delete(LogDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
