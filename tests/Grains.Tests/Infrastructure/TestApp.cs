using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Placement;
using Orleans.Storage;

namespace Presence.Grains.Tests;

/// <summary>
/// One test's tenant on a shared <see cref="PresenceCluster"/>: user keys are <c>org/{unique app}/{username}</c>, so the
/// usernames of the old single-silo tests ("a", "b", ...) stay short and readable while no two tests share a grain,
/// a subscription row or a reminder. Also the test's window onto what Orleans keeps: stored state, reminders,
/// activations and where they live.
/// </summary>
internal sealed class TestApp(PresenceCluster cluster)
{
    public const string Org = "org";

    public string Name { get; } = $"app-{Guid.NewGuid():N}";

    public PresenceCluster Cluster => cluster;

    public ManualTimeProvider Clock => cluster.Clock;

    public long NowSeconds => cluster.NowSeconds;

    public UserKey Key(string username) => UserKey.Create(Org, Name, username);

    public IUserPresenceGrain User(string username) => cluster.Client.GetUserGrain(Key(username));

    /// <summary>The id Orleans files the user under: activations, stored state and reminders.</summary>
    public GrainId GrainId(string username) => Orleans.Runtime.GrainId.Create(UserPresenceGrain.GrainTypeName, Key(username).ToString());

    public Task<TestDevice> ConnectAsync(string username, string resource, TestHub? hub = null) => TestDevice.ConnectAsync(this, username, resource, hub);

    /// <summary>Subscriptions stored for <paramref name="subscriber"/>: target username → expiry (Unix seconds).</summary>
    public async Task<Dictionary<string, long>> RowsOfSubscriberAsync(string subscriber)
    {
        var rows = await cluster.SubscriptionTable.ReadBySubscriberAsync(Key(subscriber).ToString(), CancellationToken.None);
        return rows.ToDictionary(r => UserKey.Parse(r.Target).Username, r => r.ExpiresAt.ToUnixTimeSeconds());
    }

    /// <summary>Subscriptions stored with <paramref name="target"/> as target: subscriber username → expiry.</summary>
    public async Task<Dictionary<string, long>> RowsOfTargetAsync(string target)
    {
        var rows = await cluster.SubscriptionTable.ReadByTargetAsync(Key(target).ToString(), CancellationToken.None);
        return rows.ToDictionary(r => UserKey.Parse(r.Subscriber).Username, r => r.ExpiresAt.ToUnixTimeSeconds());
    }

    /// <summary>A reminder as Orleans' reminder table holds it.</summary>
    public Task<ReminderEntry?> ReminderAsync(string username, string reminderName) =>
        cluster.SiloServices.GetRequiredService<IReminderTable>().ReadRow(GrainId(username), reminderName)!;

    /// <summary>When the expiry reminder is next due (its start: ours are re-registered for each due time), in Unix seconds.</summary>
    public async Task<long?> ExpiryReminderDueAsync(string username) =>
        await ReminderAsync(username, GrainWakeUps.ReminderName) is { } entry
            ? new DateTimeOffset(DateTime.SpecifyKind(entry.StartAt, DateTimeKind.Utc)).ToUnixTimeSeconds()
            : null;

    /// <summary>Ticks of a user's reminder that the grain has handled so far (note it before moving the clock).</summary>
    public int ReminderTicks(string username, string reminderName) => cluster.Reminders.TicksOf(GrainId(username), reminderName);

    /// <summary>Waits until the reminder's owner waits for its next tick: only then may the clock move past it.</summary>
    public Task WaitUntilReminderArmedAsync(string username, string reminderName) =>
        cluster.Reminders.WaitUntilArmedAsync(GrainId(username), reminderName);

    public Task WaitForReminderTicksAsync(string username, string reminderName, int count) =>
        cluster.Reminders.WaitForTicksAsync(GrainId(username), reminderName, count);

    /// <summary>The stored state record of a user (what a fresh activation would load), from the default grain storage.</summary>
    public async Task<StoredPresence> StoredStateAsync(string username)
    {
        var state = await ReadStoredStateAsync(username);
        return new StoredPresence(state.RecordExists, state.ETag, state.State ?? new UserPresenceState());
    }

    /// <summary>Rewrites a user's state record unchanged, as another writer would: the ETag moves on.</summary>
    public async Task RewriteStoredStateAsync(string username)
    {
        var state = await ReadStoredStateAsync(username);
        await Storage.WriteStateAsync(UserPresenceGrain.StateName, GrainId(username), state);
    }

    private async Task<GrainState<UserPresenceState>> ReadStoredStateAsync(string username)
    {
        var state = new GrainState<UserPresenceState>();
        await Storage.ReadStateAsync(UserPresenceGrain.StateName, GrainId(username), state);
        return state;
    }

    public bool IsActive(string username) => cluster.Cluster.TryGetGrainContext(GrainId(username), out _);

    public ActivationId? ActivationOf(string username) =>
        cluster.Cluster.TryGetGrainContext(GrainId(username), out var context) ? context.ActivationId : null;

    /// <summary>Ends the user's activation (its timers and in-memory state go; storage, rows and reminders stay).</summary>
    public Task DeactivateAsync(params string[] usernames) =>
        Task.WhenAll(usernames.Select(username => cluster.Cluster.DeactivateAsync(GrainId(username))));

    /// <summary>The silo the user's activation lives on, as the cluster's directory answers.</summary>
    public async Task<SiloAddress?> LocationOfAsync(string username) =>
        await cluster.Client.GetGrain<IManagementGrain>(0).GetActivationAddress(User(username));

    /// <summary>
    /// Activates the user on <paramref name="silo"/> with Orleans' placement hint (honoured by every built-in placement
    /// director) on the activating call, and returns where the activation is.
    /// </summary>
    public async Task<SiloAddress?> PlaceAsync(string username, SiloAddress silo)
    {
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
        try
        {
            await User(username).GetPresenceAsync();
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
        return await LocationOfAsync(username);
    }

    private IGrainStorage Storage => cluster.SiloServices.GetRequiredKeyedService<IGrainStorage>(UserPresenceGrain.StorageName);
}
