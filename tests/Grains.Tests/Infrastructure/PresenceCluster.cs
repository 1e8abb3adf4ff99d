using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Reminders;
using Orleans.TestingHost;
using Presence.Silo;

namespace Presence.Grains.Tests;

/// <summary>
/// Three in-process silos wired as production wires one (<see cref="SiloHostingExtensions.AddPresence"/> with memory
/// storage), plus the cluster client that tests and their devices talk through. One cluster serves every test of a
/// collection, so each test works in an app of its own (<see cref="NewApp"/>) and reads the clock instead of assuming
/// a fresh one. Every silo gets the same <see cref="Clock"/> (grain timers and reminders; Orleans' messaging and
/// membership keep real time) and the same grain states and subscription table, which are per process in production. Reminders fire a
/// millisecond after their due time (see <see cref="PaddedTimeProvider"/>): a test moves the clock past it. Set
/// <c>PRESENCE_TEST_ORLEANS_LOGS=1</c> to get Orleans' log files (bin/.../logs) when investigating a failure.
/// </summary>
public abstract class PresenceCluster : IAsyncLifetime
{
    private const short SiloCount = 3;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private InProcessTestCluster? _cluster;

    public ManualTimeProvider Clock { get; } = new();

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    public IClusterClient Client => Cluster.Client;

    public long NowSeconds => Clock.GetUtcNow().ToUnixTimeSeconds();

    internal ReminderProbe Reminders { get; } = new();

    internal InMemorySubscriptionTable SubscriptionTable { get; } = new();

    internal InMemoryGrainStore GrainStates { get; } = new();

    /// <summary>Accounts and contacts, shared by the silos as a database would be (per process in production's memory mode).</summary>
    internal InMemoryAccountTable AccountTable { get; } = new();

    internal InMemoryContactTable ContactTable { get; } = new();

    /// <summary>The silos' configuration (<c>Presence:*</c> keys), on top of the memory storage default.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    /// <summary>Anything a cluster shape adds to each silo after the production wiring.</summary>
    protected virtual void ConfigureSilo(ISiloBuilder silo)
    {
    }

    /// <summary>A tenant of its own: a test's users, rows and reminders are keyed under it and seen by no other test.</summary>
    internal TestApp NewApp() => new(this);

    /// <summary>A silo's service provider: grain storage and the reminder table are cluster-wide, so any silo will do.</summary>
    internal IServiceProvider SiloServices => Cluster.Silos[0].ServiceProvider;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(SiloCount);
        builder.Options.ConfigureFileLogging = Environment.GetEnvironmentVariable("PRESENCE_TEST_ORLEANS_LOGS") == "1";
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(Settings);
            // Before AddPresence, whose in-memory defaults only fill what is missing.
            host.Services.AddSingleton<ISubscriptionTable>(SubscriptionTable);
            host.Services.AddSingleton(GrainStates);
            host.Services.AddSingleton<IAccountTable>(AccountTable);
            host.Services.AddSingleton<IContactTable>(ContactTable);
            host.Services.UseTestClock(Clock);
            // See PaddedTimeProvider: on the manual clock alone, the reminder service can spin inside Advance.
            host.Services.AddKeyedSingleton<TimeProvider>(ReminderTimeProviderNames.Reminders, new PaddedTimeProvider(Clock));
            host.UseOrleans(silo =>
            {
                silo.AddPresence(host.Configuration);
                ConfigureSilo(silo);
            });
        });
        _cluster = builder.Build();
        using var deadline = new CancellationTokenSource(StartTimeout);
        await _cluster.DeployAsync(deadline.Token);
        await _cluster.WaitForLivenessToStabilizeAsync();
        // Reminder registrations wait for the reminder service's first load; tests should not.
        await Reminders.WaitForServicesAsync(_cluster.Silos.Select(s => s.SiloAddress), StartTimeout);
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
            await _cluster.DisposeAsync();
        Reminders.Dispose();
    }
}
