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
/// through <see cref="SubscriptionWriter"/>), <see cref="WatcherBook"/>, <see cref="DeviceSet"/>, <see cref="WakeUpSchedule"/>.
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

    /// <summary>Dropped connections still online; null when the grace is off (the default).</summary>
    private readonly ReconnectGrace? _grace = realtime.Value.ReconnectGrace > TimeSpan.Zero ? new(realtime.Value.ReconnectGrace) : null;

    private GrainWakeUps _wakeUpTriggers = null!;
    private UserKey _user;
    private string _grainKey = "";

    /// <summary>The tenant's shared strings (<c>{org}/{app}</c>, its key prefix).</summary>
    private AppNames _app = null!;
    private PresenceDocument _presence = null!;
    private SubscriptionBook _subscriptions = null!;
    private WatcherBook _watchers = null!;
    private PresenceGauges _gauges = null!;
    private UserGrainCalls? _calls;
    private SubscriptionWriter? _writer;
    private LocalSnapshotEntry _local = null!;
    private PresenceCommitter _committer = null!;
    private ContactBook _contacts = null!;
    private ContactWriter? _contactWriter;

    /// <summary>The answer to an admitted watcher, made once per snapshot: the watchers of a user ask in bursts.</summary>
    private WatchResult? _admitted;

    private bool _keptAlive;

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
        _gauges = new PresenceGauges(_app.Name);
        _local = new LocalSnapshotEntry(localSnapshots, _user);
        var rules = webhookRules.RulesOf(_app.Org, _app.App); // most apps have none: no webhook work at all
        _committer = new PresenceCommitter(state, _presence, _local, rules.Count == 0 ? null : new WebhookEvents(_app.Org, _app.App, _user.Username, rules, clock));
        _wakeUpTriggers = new GrainWakeUps(this, _wakeUps, clock, OnTimerAsync, logger);

        var subscriptions = subscriptionTable.ReadBySubscriberAsync(_grainKey, cancellationToken);
        var watchers = subscriptionTable.ReadByTargetAsync(_grainKey, cancellationToken);
        var contacts = contactTable.ReadAsync(_app.Name, _user.Username, cancellationToken);
        await Task.WhenAll(subscriptions, watchers, contacts);
        _contacts.Load(contacts.Result);
        _subscriptions.Load(subscriptions.Result, _app.Prefix);
        _watchers.Load(watchers.Result, _app.Prefix, NowSeconds());

        // Resources held by connections while no device has registered yet are orphans; their devices get time to come back.
        _wakeUps.Activated(clock.GetUtcNow(), _presence.HasConnectedResources);
        Reschedule();
        await _wakeUpTriggers.SyncReminderAsync(); // a crash between a row write and arming could have left it stale
        _gauges.Report(_presence.IsOnline, _devices.Count);
        logger.LogActivated(_grainKey, _subscriptions.Count, _watchers.Count);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Devices reconnect and so register with the next activation; connected watchers announce themselves to it — on
        // another silo when this one is stopping, so events resume there without waiting for their next connect.
        _devices.EndSessions(SessionEndReason.Deactivated);
        foreach (var watcher in _watchers.Connected)
            _ = Calls.User(watcher).TargetResetAsync(_user.Username);
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
        if (await _committer.CommitAsync(change, SyncReminderAsync, cause) is not { } checkpoint)
            return false;
        DropDevicesWithoutResource();
        PresenceMetrics.PresenceChanged(_app.Name);
        _gauges.Report(_presence.IsOnline, _devices.Count);
        Reschedule();
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
        await RescheduleDurablyAsync();
        return result;
    }

    public async Task UnsubscribeAsync(IReadOnlyList<string> usernames)
    {
        ArgumentNullException.ThrowIfNull(usernames);
        if (await Writer.UnsubscribeAsync(usernames) > 0)
            await RescheduleDurablyAsync();
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
        var snapshot = Snapshot();
        if (!admitted)
        {
            logger.LogWatcherRejected(_grainKey, name, _watchers.Count);
            return new(new WatchResult(false, snapshot));
        }
        if (_admitted is not { } answer || !ReferenceEquals(answer.Presence, snapshot))
            _admitted = answer = new WatchResult(true, snapshot);
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
        if (_watchers.ApplyConnection(watcher, connected, connectionEpoch, hubs) && resync && _watchers.IsConnected(watcher)
            && _watchers.IsWatching(watcher, NowSeconds(), FriendsOn))
        {
            Calls.DeliverTo(watcher, _watchers.HubsOf(watcher), Snapshot()); // the devices drop it unless it is newer than what they already have
        }
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
        var plan = _watchers.PlanFanOut(NowSeconds(), _limits.MaxWatchersPerDelivery, FriendsOn);
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
        switch (_subscriptions.Accept(target, presence.Version, NowSeconds()))
        {
            case DeliveryVerdict.Forward:
                _devices.Send(presence);
                break;
            case DeliveryVerdict.NotSubscribed or DeliveryVerdict.Ended when FriendsOn && _contacts.Contains(target):
                if (_contacts.Accept(target, presence.Version) == DeliveryVerdict.Forward)
                    _devices.Send(presence);
                break;
            case DeliveryVerdict.NotSubscribed when !_contacts.Contains(target):
                _ = Calls.User(target).RemoveWatcherAsync(_user.Username); // a watcher entry without our row
                break;
        }
        return Task.CompletedTask;
    }

    public Task TargetResetAsync(string target)
    {
        var name = ExpiryEntries.Normalize(target);
        if (_devices.Count > 0 && (_subscriptions.IsLive(name, NowSeconds()) || (FriendsOn && _contacts.Contains(name))))
            _ = Calls.User(name).WatcherConnectionChangedAsync(_user.Username, true, _devices.ConnectionEpoch, resync: true, _devices.AnnouncedHubs);
        return Task.CompletedTask;
    }

    // ---- Devices ----

    public async Task<PresenceSnapshot> ConnectAsync(string resource, IPresenceObserver device, IPresenceHub? hub = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        ArgumentNullException.ThrowIfNull(device);
        if (_grace?.Resume(resource) == true && _presence.IsHeldByConnection(resource) && !_devices.Has(resource))
        {
            // Back within its reconnect grace: still online as it was, so no login and nothing for the watchers.
            logger.LogDeviceResumed(_grainKey, resource);
            AddDevice(resource, device, hub, resync: false);
            UpdateKeepAlive();
            Reschedule();
            return Snapshot();
        }
        // Durable and first, so that a crash cannot leave this resource online for good (see CheckConnectionsAsync).
        _wakeUps.ExpectConnections(clock.GetUtcNow());
        await _wakeUpTriggers.SyncReminderAsync();
        // Every connection is a login, even onto a resource already online (a replaced connection, REST).
        await CommitAsync(() =>
        {
            _presence.Connect(resource);
            return true;
        }, WebhookCause.Connect(resource, replacing: _devices.Has(resource)));
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
        if (_devices.Has(resource))
        {
            if (!_devices.IsCurrent(resource, device))
            {
                _ = device.OnSessionEnded(SessionEndReason.Replaced); // a newer connection holds the resource
                return;
            }
            _devices.Renew(resource);
            if (resync)
                Announce(_devices.AnnounceAgain());
            return;
        }
        if (_presence.IsHeldByConnection(resource))
        {
            // Our predecessor held this device (or its connection dropped within the grace): take it back as it is, no
            // login, and catch up with our targets.
            _grace?.Resume(resource);
            AddDevice(resource, device, hub, resync: true);
            return;
        }
        await ConnectAsync(resource, device, hub); // its resource went offline meanwhile: a login again
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
        _gauges.Report(_presence.IsOnline, _devices.Count);
        logger.LogDeviceDisconnected(_grainKey, resource, logout, _devices.Count);
        if (!logout && _presence.IsHeldByConnection(resource) && _grace?.Hold(resource, clock.GetUtcNow()) == true)
        {
            UpdateKeepAlive();
            Reschedule();
            return Snapshot(); // online until the grace ends (EndReconnectGraceAsync) or the device is back
        }
        if (await CommitAsync(() => _presence.Disconnect(resource, logout), cause))
            Publish();
        await _wakeUpTriggers.TrySyncReminderAsync();
        return Snapshot();
    }

    private void AddDevice(string resource, IPresenceObserver device, IPresenceHub? hub, bool resync)
    {
        Announce(_devices.Add(resource, device, hub, resync));
        _gauges.Report(_presence.IsOnline, _devices.Count);
        logger.LogDeviceConnected(_grainKey, resource, _devices.Count);
    }

    /// <summary>Tells each live target whether we have devices and where; the first or last device also moves keep-alive and wake-ups.</summary>
    private void Announce(Announcement? announcement)
    {
        if (announcement is not { } change)
            return;
        if (change.ConnectionChanged && !change.Connected)
        {
            _subscriptions.ForgetForwarded();
            _contacts.ForgetForwarded();
        }
        Calls.AnnounceConnection(AnnouncedTo(), change.Connected, _devices.ConnectionEpoch, change.Resync, _devices.AnnouncedHubs);
        if (change.ConnectionChanged)
        {
            UpdateKeepAlive();
            Reschedule();
        }
    }

    /// <summary>Devices whose resource was evicted (over the resource limit) lose their session.</summary>
    private void DropDevicesWithoutResource()
    {
        if (_devices.Count == 0)
            return;
        var dropped = _devices.Without(_presence.HasResource);
        foreach (var (_, device) in dropped)
            _ = device.OnSessionEnded(SessionEndReason.Replaced);
        Announce(_devices.Remove(dropped.Select(static d => d.Resource)));
    }

    /// <summary>Drops devices whose lease ran out (their process died): their resources go offline, as if lost.</summary>
    private async Task ExpireLeasesAsync()
    {
        var expired = _devices.ExpiredLeases(_limits.OrphanedConnectionTimeout);
        if (expired.Count == 0)
            return;
        logger.LogLeasesExpired(_grainKey, expired.Count);
        foreach (var (resource, device) in expired)
            await DisconnectAsync(resource, device, logout: false, WebhookCause.TimedOut);
    }

    /// <summary>Resources held by connections that no registered device holds go offline, as lost (after the reconnect time).</summary>
    private async Task CheckConnectionsAsync()
    {
        if (!_wakeUps.CheckConnections(clock.GetUtcNow()))
            return; // a fresh activation: reconnecting devices still have time
        var orphans = _presence.OrphanedResources(r => _devices.Has(r) || _grace?.IsHeld(r) == true);
        if (await CommitAsync(() => _presence.SetLost(orphans), WebhookCause.TimedOut))
        {
            logger.LogOrphansOffline(_grainKey, orphans.Count);
            Publish();
        }
    }

    /// <summary>Dropped connections whose grace ended go offline as of the drop; put back when that cannot be stored.</summary>
    private async Task EndReconnectGraceAsync()
    {
        var ended = _grace!.TakeExpired(clock.GetUtcNow());
        try
        {
            if (await CommitAsync(() => _presence.SetLostAt(ended), WebhookCause.Disconnect(logout: false)))
                Publish();
        }
        catch
        {
            foreach (var (resource, droppedAt) in ended)
                _grace.Hold(resource, droppedAt);
            throw;
        }
        UpdateKeepAlive();
    }

    private async Task ClearExtAfterGraceAsync()
    {
        if (await CommitAsync(_presence.ClearExtIfDue))
        {
            logger.LogExtClearedAfterGrace(_grainKey);
            Publish();
        }
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
        var name = ExpiryEntries.Normalize(friend);
        _contacts.Add(name);
        _watchers.ApplyConnection(name, connected, connectionEpoch, hubs);
        if (FriendsOn)
        {
            // Both sides start at once: the friend's devices get our state, and ours (if any) theirs.
            if (_watchers.IsConnected(name))
                Calls.DeliverTo(name, _watchers.HubsOf(name), Snapshot());
            if (_devices.Count > 0)
                _ = Calls.User(name).WatcherConnectionChangedAsync(_user.Username, true, _devices.ConnectionEpoch, resync: true, _devices.AnnouncedHubs);
        }
        UpdateKeepAlive();
        return Task.CompletedTask;
    }

    public Task ContactRemovedAsync(string friend)
    {
        var name = ExpiryEntries.Normalize(friend);
        _contacts.Remove(name);
        _watchers.RemoveFriend(name);
        UpdateKeepAlive();
        return Task.CompletedTask;
    }

    public async Task TargetDeletedAsync(string target)
    {
        var name = ExpiryEntries.Normalize(target);
        if (!_subscriptions.TryGetExpiry(name, out _))
            return;
        await subscriptionTable.WriteAsync([], [new SubscriptionKey(_grainKey, _app.Prefix + name)], CancellationToken.None);
        _subscriptions.Remove([name]);
        _devices.SendSubscriptionsEnded([name], SubscriptionEndReason.Deleted);
    }

    public async Task DeleteUserAsync()
    {
        // Devices first (they must not reconnect into the deleted user), then offline for the watchers, then the rows.
        _devices.EndSessions(SessionEndReason.UserDeleted);
        Announce(_devices.Remove(_devices.Without(static _ => false).Select(static d => d.Resource).ToList()));
        var online = _presence.State.Resources.Keys.ToList();
        if (await CommitAsync(() => online.Aggregate(false, (changed, resource) => _presence.Disconnect(resource, logout: true) | changed)))
            Publish();
        var subscriptions = _subscriptions.Count;
        await Writer.UnsubscribeAsync([]);
        var watchers = await subscriptionTable.ReadByTargetAsync(_grainKey, CancellationToken.None);
        await subscriptionTable.WriteAsync([], watchers.Select(row => new SubscriptionKey(row.Subscriber, row.Target)).ToList(), CancellationToken.None);
        foreach (var row in watchers)
        {
            if (row.Subscriber.StartsWith(_app.Prefix, StringComparison.Ordinal))
                _ = Calls.User(row.Subscriber[_app.Prefix.Length..]).TargetDeletedAsync(_user.Username);
        }
        _watchers.Clear();
        var contacts = await Contacts.RemoveAllAsync();
        logger.LogUserDeleted(_grainKey, subscriptions, watchers.Count, contacts);
        UpdateKeepAlive();
        await RescheduleDurablyAsync();
        DeactivateOnIdle();
    }

    /// <summary>Whether this app's users get their friends' events (read each time: configuration may reload).</summary>
    private bool FriendsOn => _contacts.Count > 0 && friendSwitch.IsOn(_app.Org, _app.App);

    /// <summary>Who hears where this user's devices are: the users it watches, and its friends while friend notification is on.</summary>
    private IEnumerable<string> AnnouncedTo()
    {
        var targets = _subscriptions.LiveTargets(NowSeconds());
        return FriendsOn ? targets.Concat(_contacts.Friends.Where(f => !_subscriptions.IsLive(f, NowSeconds()))) : targets;
    }

    private ContactWriter Contacts => _contactWriter ??= new ContactWriter(
        _contacts, _watchers, contactTable, Calls, _app.Name, _user.Username, _limits.MaxContacts,
        () => (_devices.Count > 0, _devices.ConnectionEpoch, _devices.AnnouncedHubs), _grainKey, logger);

    // ---- Wake-ups: one timer, one reminder ----

    private void UpdateWakeUps() =>
        _wakeUps.Update(clock.GetUtcNow(), _presence.ExtClearAt, _subscriptions.EarliestExpiry, _devices.Count, _presence.HasConnectedResources, _grace?.Due);

    /// <summary>The deadlines follow the state, and the timer follows the deadlines.</summary>
    private void Reschedule()
    {
        UpdateWakeUps();
        _wakeUpTriggers.ArmTimer();
    }

    /// <summary>The reminder follows the durable deadlines (the timer follows them after the caller's write).</summary>
    private Task SyncReminderAsync()
    {
        UpdateWakeUps();
        return _wakeUpTriggers.SyncReminderAsync();
    }

    /// <summary>As <see cref="Reschedule"/>, and the reminder follows the durable deadlines before the caller is answered.</summary>
    private Task RescheduleDurablyAsync()
    {
        Reschedule();
        return _wakeUpTriggers.SyncReminderAsync();
    }

    /// <summary>The timer: the work due now, in an order where each step sees what the previous one did.</summary>
    private async Task OnTimerAsync(CancellationToken cancellationToken)
    {
        _wakeUpTriggers.TimerFired();
        var now = clock.GetUtcNow();
        var due = _wakeUps.TakeTimerWork(now);
        try
        {
            if (due.HasFlag(WakeUp.PublishWindow))
                Publish();
            if (due.HasFlag(WakeUp.LeaseCheck))
                await ExpireLeasesAsync();
            if (due.HasFlag(WakeUp.OrphanCheck))
                await CheckConnectionsAsync();
            if (due.HasFlag(WakeUp.SubscriptionExpiry))
                await ExpireSubscriptionsAsync();
            if (due.HasFlag(WakeUp.ExtGrace))
                await ClearExtAfterGraceAsync();
            if (due.HasFlag(WakeUp.ReconnectGrace))
                await EndReconnectGraceAsync();
        }
        catch
        {
            _wakeUps.TimerFailed(now);
            throw;
        }
        finally
        {
            Reschedule();
        }
        await _wakeUpTriggers.SyncReminderAsync();
    }

    /// <summary>The reminder: every durable deadline is checked (each finds nothing when not due); a failed tick runs again.</summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!await _wakeUpTriggers.AcceptTickAsync(reminderName))
            return;
        await ExpireSubscriptionsAsync();
        await ClearExtAfterGraceAsync();
        await CheckConnectionsAsync();
        Reschedule();
        await _wakeUpTriggers.AfterReminderTickAsync(reminderName);
    }

    // ---- Helpers ----

    /// <summary>Calls to other users; made on first use, like <see cref="Writer"/>: most users never make one.</summary>
    private UserGrainCalls Calls => _calls ??= new UserGrainCalls(GrainFactory, _app, _user.Username);

    private SubscriptionWriter Writer => _writer ??= new SubscriptionWriter(
        _subscriptions, Calls, subscriptionTable, _committer.FenceAsync, WatchRequestUntil, _devices.SendSubscriptionsEnded, _grainKey, _app.Prefix, logger);

    private Task ExpireSubscriptionsAsync() => _subscriptions.Count == 0 ? Task.CompletedTask : Writer.ExpireAsync(NowSeconds());

    private long NowSeconds() => clock.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>Keeps this activation while devices or connected watchers rely on it; tells Orleans only on a change (it locks).</summary>
    private void UpdateKeepAlive()
    {
        var keepAlive = _devices.Count > 0 || _watchers.ConnectedCount > 0 || _grace?.Count > 0;
        if (keepAlive == _keptAlive)
            return;
        _keptAlive = keepAlive;
        DelayDeactivation(keepAlive ? Timeout.InfiniteTimeSpan : TimeSpan.Zero);
    }
}
