using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Presence.Diagnostics;
using Presence.Webhooks;

namespace Presence.Grains;

/// <summary>
/// One user (key <c>{org}/{app}/{username}</c>) as an Orleans grain: activation, the turn, the commit of each change and
/// its dispatch. The rules are plain classes: <see cref="PresenceDocument"/>, <see cref="SubscriptionBook"/> (changed
/// through <see cref="SubscriptionWriter"/>), <see cref="WatcherBook"/>, <see cref="WatchList"/>, <see cref="DeviceSet"/>
/// (with <see cref="DeviceLifecycle"/>), <see cref="ContactBook"/>, <see cref="WakeUpSchedule"/> (worked by <see cref="UserDeadlines"/>).
/// As subscriber it awaits its targets; as target it calls its watchers one way only, so no call chain waits in a circle.
/// </summary>
[GrainType(GrainTypeName)]
internal sealed class UserPresenceGrain(
    [PersistentState(UserPresenceGrain.StateName, UserPresenceGrain.StorageName)] IPersistentState<UserPresenceState> state,
    ISubscriptionTable subscriptionTable,
    IOptions<PresenceLimits> limits,
    IOptions<PresenceRealtimeOptions> realtime,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider clock,
    LocalPresenceSnapshots localSnapshots,
    ILogger<UserPresenceGrain> logger,
    IContactTable contactTable,
    IFriendNotificationSwitch friendSwitch,
    IWebhookRuleCatalog webhookRules)
    : Grain, IUserPresenceGrain, IUserPresenceProtocol, IRemindable
{
    /// <summary>The grain type in Orleans ids, storage rows and reminders: fixed, so renaming the class moves no data.</summary>
    internal const string GrainTypeName = "user-presence";

    /// <summary>Name of the state record, under the storage provider named <see cref="StorageName"/>.</summary>
    internal const string StateName = "presence";

    /// <summary>The grain storage provider this grain uses (Orleans' default provider name).</summary>
    internal const string StorageName = "Default";

    private readonly PresenceLimits _limits = limits.Value;
    private readonly WakeUpSchedule _wakeUps = new(limits.Value);
    private readonly DeviceSet _devices = new(GrainIdentityComparer.Instance, GrainIdentityComparer.Instance, TimeProvider.System, clock);
    private GrainWakeUps _wakeUpTriggers = null!;
    private UserKey _user;
    private string _grainKey = "";

    /// <summary>The tenant's shared strings (<c>{org}/{app}</c>, its key prefix).</summary>
    private AppNames _app = null!;
    private PresenceDocument _presence = null!;
    private SubscriptionBook _subscriptions = null!;
    private WatcherBook _watchers = null!;
    private WatchList _watchList = null!;
    private DeviceLifecycle _lifecycle = null!;
    private UserDeadlines _deadlines = null!;
    private PresenceGauges _gauges = null!;
    private UserGrainCalls? _calls;
    private SubscriptionWriter? _writer;
    private LocalSnapshotEntry _local = null!;
    private PresenceCommitter _committer = null!;
    private ContactBook _contacts = null!;
    private ContactWriter? _contactWriter;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _grainKey = this.GetPrimaryKeyString();
        var key = UserKey.Parse(_grainKey);
        _app = AppNames.Of(key.Org, key.App);
        _user = new UserKey(_app.Org, _app.App, key.Username);
        _presence = new PresenceDocument(_user.Username, state.State, _limits, clock, logger);
        _subscriptions = new SubscriptionBook(_user.Username, _limits.MaxSubscriptionsPerUser, _limits.MaxPageSize);
        _contacts = new ContactBook(_user.Username);
        _watchers = new WatcherBook(_user.Username, _limits.MaxSubscribersPerUser, GrainIdentityComparer.Instance, _contacts);
        _watchList = new WatchList(_subscriptions, _contacts, friendSwitch, _app.Org, _app.App);
        _lifecycle = new DeviceLifecycle(_devices, _presence, realtime.Value.ReconnectGrace);
        _gauges = new PresenceGauges(_app.Name);
        _local = new LocalSnapshotEntry(localSnapshots, _user);
        var rules = webhookRules.RulesOf(_app.Org, _app.App); // most apps have none: no webhook work at all
        _committer = new PresenceCommitter(state, _presence, _local, rules.Count == 0 ? null : new WebhookEvents(_app.Org, _app.App, _user.Username, rules, clock));
        _deadlines = new UserDeadlines(_wakeUps, _presence, _devices, _lifecycle, _limits.OrphanedConnectionTimeout, clock, CommitAsync, Publish,
            (resource, device) => DisconnectAsync(resource, device, logout: false, WebhookCause.TimedOut), ExpireSubscriptionsAsync, UpdateKeepAlive, _grainKey, logger);
        _wakeUpTriggers = new GrainWakeUps(this, _wakeUps, clock, UpdateWakeUps, _deadlines.RunAsync, logger);

        var subscriptions = subscriptionTable.ReadBySubscriberAsync(_grainKey, cancellationToken);
        var watchers = subscriptionTable.ReadByTargetAsync(_grainKey, cancellationToken);
        var contacts = contactTable.ReadAsync(_app.Name, _user.Username, cancellationToken);
        await Task.WhenAll(subscriptions, watchers, contacts);
        _contacts.Load(contacts.Result);
        _subscriptions.Load(subscriptions.Result, _app.Prefix);
        _watchers.Load(watchers.Result, _app.Prefix, NowSeconds());

        // Resources held by connections while no device has registered yet are orphans; their devices get time to come back.
        _wakeUps.Activated(clock.GetUtcNow(), _presence.HasConnectedResources);
        await _wakeUpTriggers.RescheduleDurablyAsync(); // a crash between a row write and arming could have left it stale
        ReportGauges();
        logger.LogActivated(_grainKey, _subscriptions.Count, _watchers.Count);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Devices reconnect and so register with the next activation; connected watchers announce themselves to it — on
        // another silo when this one is stopping, so events resume there without waiting for their next connect.
        _devices.EndSessions(SessionEndReason.Deactivated);
        Calls.AnnounceReset(_watchers.Connected);
        _gauges.Withdraw();
        _local.Remove();
        return Task.CompletedTask;
    }

    // ---- Presence ----

    public async Task<PresenceSnapshot> SetStatusAsync(string resource, string status, string? ext)
    {
        _presence.ValidateStatus(resource, status, ext);
        if (await CommitAsync(() => _presence.SetStatus(resource, status, ext, _devices.Has(resource)), WebhookCause.Rest))
        {
            logger.LogStatusChanged(_grainKey, resource, status, _presence.Version);
            Publish();
        }
        return Snapshot();
    }

    public Task<PresenceSnapshot> GetPresenceAsync() => Task.FromResult(Snapshot());

    /// <summary>Makes one change durable (false: nothing to change) and applies what follows from it. The caller publishes.</summary>
    private async Task<bool> CommitAsync(Func<bool> change, WebhookCause cause = default)
    {
        if (await _committer.CommitAsync(change, _wakeUpTriggers.UpdateReminderAsync, cause) is not { } checkpoint)
            return false;
        Announce(_lifecycle.EndEvicted());
        PresenceMetrics.PresenceChanged(_app.Name);
        ReportGauges();
        _wakeUpTriggers.Reschedule();
        if (_presence.CancelledGrace(checkpoint))
            await _wakeUpTriggers.TrySyncReminderAsync();
        return true;
    }

    /// <summary>The current snapshot, shown to this silo's local reads unless a write is in flight (it may fail).</summary>
    private PresenceSnapshot Snapshot() => _local.Show(_presence.Snapshot());

    // ---- Subscriber side ----

    public async Task<SubscribeResult> SubscribeAsync(IReadOnlyList<string> usernames, int expirySeconds)
    {
        ArgumentNullException.ThrowIfNull(usernames);
        ArgumentOutOfRangeException.ThrowIfLessThan(expirySeconds, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(expirySeconds, _limits.MaxExpirySeconds);
        var now = NowSeconds();
        var result = await Writer.SubscribeAsync(usernames, now + expirySeconds, now);
        await _wakeUpTriggers.RescheduleDurablyAsync();
        return result;
    }

    public async Task UnsubscribeAsync(IReadOnlyList<string> usernames)
    {
        ArgumentNullException.ThrowIfNull(usernames);
        if (await Writer.UnsubscribeAsync(usernames) > 0)
            await _wakeUpTriggers.RescheduleDurablyAsync();
    }

    public Task<SubscriptionPage> GetSubscriptionsAsync(int pageNum, int pageSize) =>
        Task.FromResult(_subscriptions.Page(pageNum, pageSize, NowSeconds()));

    /// <summary>What this user tells a target it watches until <paramref name="expiresAt"/>, with where its devices are.</summary>
    private WatchRequest WatchRequestUntil(long expiresAt) =>
        new(_user.Username, expiresAt, _devices.Count > 0, _devices.ConnectionEpoch, _devices.AnnouncedHubs);

    // ---- Target side: only memory; the subscriber writes the rows, and we never call it and wait. ----

    public ValueTask<WatchResult> AdmitWatcherAsync(WatchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var admitted = _watchers.Admit(request, NowSeconds(), out var name);
        UpdateKeepAlive();
        var answer = _watchers.Answer(admitted, Snapshot());
        if (!admitted)
            logger.LogWatcherRejected(_grainKey, name, _watchers.Count);
        return new(answer);
    }

    public Task RemoveWatcherAsync(string subscriber)
    {
        _watchers.Remove(ExpiryEntries.Normalize(subscriber));
        UpdateKeepAlive();
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SubscriptionEntry>> GetWatchersAsync() =>
        Task.FromResult<IReadOnlyList<SubscriptionEntry>>(_watchers.Live(NowSeconds()));

    public Task WatcherConnectionChangedAsync(string subscriber, bool connected, long connectionEpoch, bool resync = false, IPresenceHub[]? hubs = null)
    {
        var watcher = ExpiryEntries.Normalize(subscriber);
        if (_watchers.ConnectionChanged(watcher, connected, connectionEpoch, hubs, resync, NowSeconds(), _watchList.FriendsOn))
            Calls.DeliverTo(watcher, _watchers.HubsOf(watcher), Snapshot()); // its devices drop it unless it is newer than what they have
        UpdateKeepAlive();
        return Task.CompletedTask;
    }

    // ---- Fan-out ----

    /// <summary>
    /// Publishes the current state after a change, coalesced (<see cref="WakeUpSchedule.HoldPublish"/>): one way only,
    /// nothing awaited, offline watchers never activated (<see cref="WatcherBook.PlanFanOut"/>).
    /// </summary>
    private void Publish()
    {
        if (_wakeUps.HoldPublish() || (_devices.Count == 0 && _watchers.ConnectedCount == 0))
            return; // held for the window's end, or nobody to tell
        var snapshot = Snapshot();
        _devices.Send(snapshot);
        var plan = _watchers.PlanFanOut(NowSeconds(), _limits.MaxWatchersPerDelivery, _watchList.FriendsOn);
        Calls.Deliver(snapshot, plan);
        if (plan.EndedCount > 0)
            UpdateKeepAlive();
        logger.LogFannedOut(_grainKey, snapshot.Version, _watchers.ConnectedCount);
        _wakeUps.OpenPublishWindow(clock.GetUtcNow());
        _wakeUpTriggers.ArmTimer();
    }

    public Task DeliverPresenceAsync(PresenceSnapshot presence)
    {
        ArgumentNullException.ThrowIfNull(presence);
        var target = presence.Uid;
        if (_devices.Count == 0)
        {
            // The target thinks we are connected (we lost our activation, or a notice was lost): correct it.
            _ = Calls.User(target).WatcherConnectionChangedAsync(_user.Username, false, _devices.NextEpoch());
            return Task.CompletedTask;
        }
        var verdict = _watchList.Accept(target, presence.Version, NowSeconds());
        if (verdict == DeliveryVerdict.Forward)
            _devices.Send(presence);
        else if (verdict == DeliveryVerdict.NotSubscribed)
            _ = Calls.User(target).RemoveWatcherAsync(_user.Username); // a watcher entry without our row, nor a friend
        return Task.CompletedTask;
    }

    public Task TargetResetAsync(string target)
    {
        var name = ExpiryEntries.Normalize(target);
        if (_devices.Count > 0 && _watchList.Hears(name, NowSeconds()))
            Calls.AskState(name, _devices.ConnectionEpoch, _devices.AnnouncedHubs);
        return Task.CompletedTask;
    }

    // ---- Devices ----

    public async Task<PresenceSnapshot> ConnectAsync(string resource, IPresenceObserver device, IPresenceHub? hub = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        ArgumentNullException.ThrowIfNull(device);
        if (_lifecycle.Resumes(resource))
        {
            logger.LogDeviceResumed(_grainKey, resource);
            AddDevice(resource, device, hub, resync: false);
            KeepAliveAndReschedule();
            return Snapshot();
        }
        // Durable and first, so that a crash cannot leave this resource online for good (the connection check, UserDeadlines).
        _wakeUps.ExpectConnections(clock.GetUtcNow());
        await _wakeUpTriggers.SyncReminderAsync();
        // Every connection is a login, even onto a resource already online (a replaced connection, REST).
        await CommitAsync(() => _presence.Connect(resource), WebhookCause.Connect(resource, replacing: _devices.Has(resource)));
        if (_devices.Other(resource, device) is { } replaced)
        {
            logger.LogDeviceReplaced(_grainKey, resource);
            _ = replaced.OnSessionEnded(SessionEndReason.Replaced);
        }
        AddDevice(resource, device, hub, resync: false);
        Publish();
        return Snapshot();
    }

    public async Task RenewDeviceAsync(string resource, IPresenceObserver device, bool resync, IPresenceHub? hub = null)
    {
        switch (_lifecycle.Renew(resource, device))
        {
            case DeviceRenewal.Replaced:
                _ = device.OnSessionEnded(SessionEndReason.Replaced);
                break;
            case DeviceRenewal.Renewed when resync:
                Announce(_devices.AnnounceAgain());
                break;
            case DeviceRenewal.TakenBack:
                AddDevice(resource, device, hub, resync: true); // and catch up with our targets
                break;
            case DeviceRenewal.Login:
                await ConnectAsync(resource, device, hub);
                break;
        }
    }

    public Task<PresenceSnapshot> DisconnectAsync(string resource, IPresenceObserver device, bool logout) =>
        DisconnectAsync(resource, device, logout, WebhookCause.Disconnect(logout));

    private async Task<PresenceSnapshot> DisconnectAsync(string resource, IPresenceObserver device, bool logout, WebhookCause cause)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        ArgumentNullException.ThrowIfNull(device);
        if (!_devices.IsCurrent(resource, device))
            return Snapshot(); // replaced (or evicted): the resource belongs to a newer connection

        // The connection is gone whatever the write does.
        Announce(_devices.Remove([resource]));
        ReportGauges();
        logger.LogDeviceDisconnected(_grainKey, resource, logout, _devices.Count);
        if (_lifecycle.Holds(resource, logout, clock.GetUtcNow()))
        {
            KeepAliveAndReschedule();
            return Snapshot(); // online until the grace ends (UserDeadlines) or the device is back
        }
        if (await CommitAsync(() => _presence.Disconnect(resource, logout), cause))
            Publish();
        await _wakeUpTriggers.TrySyncReminderAsync();
        return Snapshot();
    }

    private void AddDevice(string resource, IPresenceObserver device, IPresenceHub? hub, bool resync)
    {
        Announce(_devices.Add(resource, device, hub, resync));
        ReportGauges();
        logger.LogDeviceConnected(_grainKey, resource, _devices.Count);
    }

    /// <summary>Tells each live target whether we have devices and where; the first or last device also moves keep-alive and wake-ups.</summary>
    private void Announce(Announcement? announcement)
    {
        if (announcement is not { } change)
            return;
        if (change.ConnectionChanged && !change.Connected)
            _watchList.ForgetForwarded();
        Calls.AnnounceConnection(_watchList.AnnouncedTo(NowSeconds()), change.Connected, _devices.ConnectionEpoch, change.Resync, _devices.AnnouncedHubs);
        if (change.ConnectionChanged)
            KeepAliveAndReschedule();
    }

    // ---- Contacts (friends: a second source of watchers, see ContactBook) ----

    public Task<ContactChange> AddContactAsync(string friend) => Contacts.AddAsync(friend);

    public async Task<ContactChange> RemoveContactAsync(string friend)
    {
        var change = await Contacts.RemoveAsync(friend);
        UpdateKeepAlive();
        return change;
    }

    public Task<IReadOnlyList<string>> GetContactsAsync() => Task.FromResult<IReadOnlyList<string>>(_contacts.Sorted());

    public Task ContactAddedAsync(string friend, bool connected, long connectionEpoch, IPresenceHub[]? hubs)
    {
        Contacts.FriendAdded(friend, connected, connectionEpoch, hubs);
        UpdateKeepAlive();
        return Task.CompletedTask;
    }

    public Task ContactRemovedAsync(string friend)
    {
        Contacts.FriendRemoved(friend);
        UpdateKeepAlive();
        return Task.CompletedTask;
    }

    public Task TargetDeletedAsync(string target) => Writer.TargetDeletedAsync(ExpiryEntries.Normalize(target));

    public async Task DeleteUserAsync()
    {
        // Devices first (they must not reconnect into the deleted user), then offline for the watchers, then the rows.
        Announce(_devices.End(static _ => true, SessionEndReason.UserDeleted));
        if (await CommitAsync(_presence.LogOutAll))
            Publish();
        await new UserDeletion(subscriptionTable, _subscriptions, Writer, _watchers, Contacts, Calls, _user.Username, _grainKey, _app.Prefix, logger)
            .DeleteRowsAsync();
        UpdateKeepAlive();
        await _wakeUpTriggers.RescheduleDurablyAsync();
        DeactivateOnIdle();
    }

    private ContactWriter Contacts => _contactWriter ??= new ContactWriter(
        _contacts, _watchers, _watchList, contactTable, Calls, _app.Name, _user.Username, _limits.MaxContacts,
        () => (_devices.Count > 0, _devices.ConnectionEpoch, _devices.AnnouncedHubs), Snapshot, _grainKey, logger);

    // ---- Wake-ups: one timer, one reminder (GrainWakeUps) ----

    private void UpdateWakeUps() =>
        _wakeUps.Update(clock.GetUtcNow(), _presence.ExtClearAt, _subscriptions.EarliestExpiry, _devices.Count, _presence.HasConnectedResources, _lifecycle.GraceDue);

    /// <summary>The reminder: the durable deadlines are checked (<see cref="UserDeadlines"/>); a failed tick runs again.</summary>
    public Task ReceiveReminder(string reminderName, TickStatus status) => _wakeUpTriggers.OnReminderAsync(reminderName, _deadlines.CheckDurableAsync);

    // ---- Helpers ----

    /// <summary>Calls to other users; made on first use, like <see cref="Writer"/>: most users never make one.</summary>
    private UserGrainCalls Calls => _calls ??= new UserGrainCalls(GrainFactory, _app, _user.Username);

    private SubscriptionWriter Writer => _writer ??= new SubscriptionWriter(
        _subscriptions, Calls, subscriptionTable, _committer.FenceAsync, WatchRequestUntil, _devices.SendSubscriptionsEnded, _grainKey, _app.Prefix, logger);

    private Task ExpireSubscriptionsAsync() => _subscriptions.Count == 0 ? Task.CompletedTask : Writer.ExpireAsync(NowSeconds());

    private long NowSeconds() => clock.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>Keeps this activation while devices, connected watchers or held connections rely on it.</summary>
    private void UpdateKeepAlive()
    {
        if (_lifecycle.KeepAliveChange(_watchers.ConnectedCount) is { } keepAlive)
            DelayDeactivation(keepAlive ? Timeout.InfiniteTimeSpan : TimeSpan.Zero);
    }

    private void KeepAliveAndReschedule()
    {
        UpdateKeepAlive();
        _wakeUpTriggers.Reschedule();
    }

    private void ReportGauges() => _gauges.Report(_presence.IsOnline, _devices.Count);
}
