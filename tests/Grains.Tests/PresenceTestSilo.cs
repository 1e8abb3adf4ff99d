using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Presence.Orleans.Runtime;
using Presence.Orleans.Testing;

namespace Presence.Orleans.Grains.Tests;

/// <summary>
/// A whole silo in process — runtime, in-memory persistence, presence grains — on a fake clock.
/// A silo started with <c>storageFrom</c> shares the first one's storage, reminder and subscription
/// tables, which is how a test sees grains come back on a fresh activation; <c>services</c> may replace
/// any of them (registered before the in-memory defaults, which only fill what is missing).
/// </summary>
internal sealed class PresenceTestSilo : IAsyncDisposable
{
    public const string Org = "org";
    public const string App = "app";

    /// <summary>Registered grain type of user grains, which is also the name of their state record.</summary>
    public const string UserGrainType = "user-presence";

    private readonly ServiceProvider _services;
    private readonly IHostedService[] _hostedServices;
    private bool _stopped;

    private PresenceTestSilo(ServiceProvider services, ManualTimeProvider clock)
    {
        _services = services;
        Clock = clock;
        _hostedServices = services.GetServices<IHostedService>().ToArray();
    }

    public ManualTimeProvider Clock { get; }

    public IServiceProvider Services => _services;

    public IGrainFactory Grains => _services.GetRequiredService<IGrainFactory>();

    public ISubscriptionTable SubscriptionTable => _services.GetRequiredService<ISubscriptionTable>();

    public IReminderTable ReminderTable => _services.GetRequiredService<IReminderTable>();

    public IGrainStorage Storage => _services.GetRequiredService<IGrainStorage>();

    public static async Task<PresenceTestSilo> StartAsync(
        ManualTimeProvider? clock = null,
        Action<PresenceLimits>? limits = null,
        Action<GrainRuntimeOptions>? runtime = null,
        IReadOnlyDictionary<string, string?>? configuration = null,
        PresenceTestSilo? storageFrom = null,
        Action<IServiceCollection>? services = null)
    {
        clock ??= storageFrom?.Clock ?? new ManualTimeProvider();
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration ?? new Dictionary<string, string?>()).Build());
        if (storageFrom is not null)
        {
            collection.AddSingleton(storageFrom.Storage);
            collection.AddSingleton(storageFrom.ReminderTable);
            collection.AddSingleton(storageFrom.SubscriptionTable);
        }
        services?.Invoke(collection);
        collection
            .AddLogging()
            .AddSingleton<TimeProvider>(clock)
            .AddGrainRuntime(o => runtime?.Invoke(o))
            .AddInMemoryGrainPersistence()
            .AddPresenceGrainReferences()
            .AddPresenceGrains();
        if (limits is not null)
            collection.Configure(limits);

        var silo = new PresenceTestSilo(collection.BuildServiceProvider(validateScopes: true), clock);
        try
        {
            // What the generic host does on start: ValidateOnStart checks, then the hosted services.
            silo._services.GetRequiredService<IStartupValidator>().Validate();
            foreach (var hostedService in silo._hostedServices)
                await hostedService.StartAsync(CancellationToken.None);
            return silo;
        }
        catch
        {
            await silo._services.DisposeAsync();
            throw;
        }
    }

    public static UserKey Key(string username) => UserKey.Create(Org, App, username);

    public IUserPresenceGrain User(string username) => Grains.GetUserGrain(Key(username));

    /// <summary>Subscriptions stored for <paramref name="subscriber"/>: target username → expiry (Unix seconds).</summary>
    public async Task<Dictionary<string, long>> RowsOfSubscriberAsync(string subscriber)
    {
        var rows = await SubscriptionTable.ReadBySubscriberAsync(Key(subscriber).ToString(), CancellationToken.None);
        return rows.ToDictionary(r => UserKey.Parse(r.Target).Username, r => r.ExpiresAt.ToUnixTimeSeconds());
    }

    /// <summary>Subscriptions stored with <paramref name="target"/> as target: subscriber username → expiry.</summary>
    public async Task<Dictionary<string, long>> RowsOfTargetAsync(string target)
    {
        var rows = await SubscriptionTable.ReadByTargetAsync(Key(target).ToString(), CancellationToken.None);
        return rows.ToDictionary(r => UserKey.Parse(r.Subscriber).Username, r => r.ExpiresAt.ToUnixTimeSeconds());
    }

    public Task<ReminderEntry?> ExpiryReminderAsync(string username) =>
        ReminderTable.ReadRowAsync(new GrainId(UserGrainType, Key(username).ToString()), UserPresenceGrain.ExpiryReminderName, CancellationToken.None);

    /// <summary>The stored state record of a user (what a fresh activation would load).</summary>
    public async Task<GrainState<UserPresenceState>> StoredStateAsync(string username)
    {
        var state = new GrainState<UserPresenceState>();
        await Storage.ReadStateAsync(UserGrainType, new GrainId(UserGrainType, Key(username).ToString()), state, CancellationToken.None);
        return state;
    }

    public long NowSeconds => Clock.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>Stops the silo gracefully: every activation deactivates; storage stays readable.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stopped)
            return;
        _stopped = true;
        foreach (var hostedService in _hostedServices.Reverse())
            await hostedService.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        // The runtime's shutdown timeout runs on the fake clock; bound it in real time so that a test whose
        // grains are stuck fails with its own error instead of hanging in dispose.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await StopAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
        }
        await _services.DisposeAsync();
    }
}
