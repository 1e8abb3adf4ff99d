using System.Diagnostics;

namespace Presence.Silo.Tests;

/// <summary>Starts silo processes for one test and kills whatever is left of them when the test ends.</summary>
public abstract class SiloTestBase(PostgresFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<SiloProcess> _silos = [];

    protected PostgresFixture Fixture { get; } = fixture;

    protected ITestOutputHelper Output { get; } = output;

    protected Task<PresenceDatabase> NewDatabaseAsync() => Fixture.CreateDatabaseAsync(GetType().Name);

    protected async Task<SiloProcess> StartSiloAsync(
        PresenceDatabase database,
        IReadOnlyDictionary<string, string>? settings = null,
        string name = "silo",
        bool waitUntilReady = true)
    {
        var silo = await SiloProcess.StartAsync(database, Output, settings, name, waitUntilReady);
        _silos.Add(silo);
        return silo;
    }

    /// <summary>SIGKILL, then a new process on the same database and settings; logs the time from kill to ready.</summary>
    protected async Task<SiloProcess> KillAndRestartAsync(SiloProcess silo)
    {
        var clock = Stopwatch.StartNew();
        await silo.KillAsync();
        var restarted = await StartSiloAsync(silo.Database, silo.Settings, silo.Name);
        Output.WriteLine($"[{silo.Name}] kill -9 → ready again in {clock.ElapsedMilliseconds} ms");
        return restarted;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
            await silo.DisposeAsync();
    }
}
