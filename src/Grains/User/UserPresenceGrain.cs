using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Presence.Orleans.Diagnostics;

namespace Presence.Orleans.Grains;

/// <summary>
/// The presence of one user (key <c>{org}/{app}/{username}</c>) as an Orleans grain: activation, the turn, the commit of
/// each change, the calls to other grains, devices and hubs, and the one timer and one reminder. The rules live in
/// plain classes: <see cref="PresenceDocument"/> (the stored presence), <see cref="SubscriptionBook"/> (whom this user
/// watches), <see cref="WatcherBook"/> (who watches this user), <see cref="DeviceSet"/> (connected devices) and
/// <see cref="WakeUpSchedule"/> (every deadline).
/// </summary>
/// <remarks>
/// As subscriber this grain awaits its targets; as target it only ever calls its watchers one way, so no call chain
/// waits in a circle. The state is one small record; subscriptions are rows of <see cref="ISubscriptionTable"/>, written
/// after the state record (with its ETag) so that a stale duplicate activation fails before it touches rows.
/// </remarks>
[GrainType(GrainTypeName)]
internal sealed class UserPresenceGrain : Grain, IUserPresenceGrain, IUserPresenceProtocol, IRemindable
{
    /// <summary>The grain type in Orleans ids, storage rows and reminders: fixed, so renaming the class moves no data.</summary>
    internal const string GrainTypeName = "user-presence";

    /// <summary>Name of the state record, under the storage provider named <see cref="StorageName"/>.</summary>
    internal const string StateName = "presence";

    /// <summary>The grain storage provider this grain uses (Orleans' default provider name).</summary>
    internal const string StorageName = "Default";

    /// <summary>Reminders of earlier versions (one per deadline): a tick of one is a wake-up, and then it is removed.</summary>
    private static readonly string[] RetiredReminderNames = ["subscriptions-expiry", "ext-grace", "connections"];

    private readonly IPersistentState<UserPresenceState> _state;
    private readonly ISubscriptionTable _subscriptionTable;
    private readonly LocalPresenceSnapshots _localSnapshots;
    private readonly PresenceLimits _limits;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly WakeUpSchedule _wakeUps;
    private readonly DeviceSet _devices;
    private readonly GrainWakeUps _wakeUpTriggers;

    private UserKey _user;
    private string _grainKey = "";

    /// <summary>The tenant's shared strings (<c>{org}/{app}</c>, its key prefix).</summary>
    private AppNames _app = null!;
    private PresenceDocument _presence = null!;
    private SubscriptionBook _subscriptions = null!;
    private WatcherBook _watchers = null!;
    private PresenceGauges _gauges = null!;
    private UserGrainCalls _calls = null!;

    /// <summary>A change is being written: snapshots meanwhile (read by interleaved calls) are not published locally.</summary>
    private bool _committing;

    /// <summary>The snapshot this activation has in <see cref="_localSnapshots"/>, if any.</summary>
    private PresenceSnapshot? _publishedSnapshot;

    /// <summary>The answer to an admitted watcher, made once per snapshot: the watchers of a user ask in bursts.</summary>
    private WatchResult? _admitted;

    /// <summary>A change was made inside the open coalescing window: the window's end sends the state of that moment.</summary>
    private bool _publishPending;

    private bool _keptAlive;
    private DateTimeOffset _activatedAt;

    public UserPresenceGrain(
        [PersistentState(StateName, StorageName)] IPersistentState<UserPresenceState> state,
        ISubscriptionTable subscriptionTable,
        IOptions<PresenceLimits> limits,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider clock,
        LocalPresenceSnapshots localSnapshots,
        ILogger<UserPresenceGrain> logger)
    {
        _state = state;
        _subscriptionTable = subscriptionTable;
        _localSnapshots = localSnapshots;
        _limits = limits.Value;
        _clock = clock;
        _logger = logger;
        _wakeUps = new WakeUpSchedule(_limits);
        _wakeUpTriggers = new GrainWakeUps(this, _wakeUps, clock, OnTimerAsync);
        _devices = new DeviceSet(GrainIdentityComparer.Instance, GrainIdentityComparer.Instance, TimeProvider.System, clock);
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _grainKey = this.GetPrimaryKeyString();
        var key = UserKey.Parse(_grainKey);
        _app = AppNames.Of(key.Org, key.App);
        _user = new UserKey(_app.Org, _app.App, key.Username);
        _presence = new PresenceDocument(_user.Username, _state.State, _limits, _clock, _logger);
        _subscriptions = new SubscriptionBook(_user.Username, _limits.MaxSubscriptionsPerUser, _limits.MaxPageSize);
        _watchers = new WatcherBook(_limits.MaxSubscribersPerUser, GrainIdentityComparer.Instance);
        _gauges = new PresenceGauges(_app.Name);
        _calls = new UserGrainCalls(GrainFactory, _app, _user.Username, _grainKey, _logger);

        var subscriptions = _subscriptionTable.ReadBySubscriberAsync(_grainKey, cancellationToken);
        var watchers = _subscriptionTable.ReadByTargetAsync(_grainKey, cancellationToken);
        await Task.WhenAll(subscriptions, watchers);
        // Expired subscriptions are kept (their rows still have to go); expired watchers are dead weight.
        _subscriptions.Load(ExpiryEntries.FromRows(subscriptions.Result, static row => row.Target, _app.Prefix, long.MinValue));
        _watchers.Load(ExpiryEntries.FromRows(watchers.Result, static row => row.Subscriber, _app.Prefix, NowSeconds()));

        _activatedAt = _clock.GetUtcNow();
        if (_presence.OrphanedResources(_devices.Has).Count > 0)
            _wakeUps.ScheduleOrphanCheck(_activatedAt + _limits.OrphanedConnectionTimeout); // devices get time to reconnect
        Reschedule();
        _wakeUps.Activated();
        await _wakeUpTriggers.SyncReminderAsync(); // a crash between a row write and arming could have left it stale
        _gauges.Report(_presence.IsOnline, _devices.Count);
        _logger.LogActivated(_grainKey, _subscriptions.Count, _watchers.Count);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Devices reconnect and so register with the next activation; connected watchers announce themselves to it — on
        // another silo when this one is stopping, so events resume there without waiting for their next connect.
        foreach (var device in _devices.Observers)
            _ = device.OnSessionEnded(SessionEndReason.Deactivated);
        foreach (var watcher in _watchers.Connected)
            _ = _calls.User(watcher).TargetResetAsync(_user.Username);
        _gauges.Withdraw();
        _localSnapshots.Remove(_user);
        _publishedSnapshot = null;
        return Task.CompletedTask;
    }

    // ---- Presence ----

    public async Task<PresenceSnapshot> SetStatusAsync(string resource, string status, string? ext)
    {
        _presence.ValidateStatus(resource, status, ext);
        if (await CommitAsync(() => _presence.SetStatus(resource, status, ext, _devices.Has(resource))))
        {
            _logger.LogStatusChanged(_grainKey, resource, status, _presence.Version);
            Publish();
        }
        return Snapshot();
    }

    public Task<PresenceSnapshot> GetPresenceAsync() => Task.FromResult(Snapshot());

    /// <summary>
    /// Makes one change durable: checkpoint, change (false: nothing to do, nothing touched), seal (version, grace
    /// deadline), write. Memory goes back to the checkpoint if the write fails. The caller publishes.
    /// </summary>
    private async Task<bool> CommitAsync(Func<bool> change)
    {
        var checkpoint = _presence.Checkpoint();
        if (!change())
            return false;
        var graceStarted = _presence.Seal(checkpoint);
        // The published snapshot is about to be stale; the next read on this silo republishes the new one.
        _localSnapshots.Withdraw(_user);
        _publishedSnapshot = null;
        _committing = true;
        try
        {
            if (graceStarted)
            {
                // The durable backstop goes first: a crash between the two leaves only a tick that finds nothing to do.
                UpdateWakeUps();
                await _wakeUpTriggers.SyncReminderAsync();
            }
            _state.State = _presence.State;
            await WriteStateAsync();
        }
        catch
        {
            _presence.Restore(checkpoint);
            _state.State = _presence.State;
            throw;
        }
        finally
        {
            _committing = false;
        }
        DropDevicesWithoutResource();
        PresenceMetrics.PresenceChanged(_app.Name);
        _gauges.Report(_presence.IsOnline, _devices.Count);
        Reschedule();
        if (_presence.CancelledGrace(checkpoint))
            await SyncReminderQuietlyAsync();
        return true;
    }

    /// <summary>The current snapshot; published for this silo's local reads unless a write is in flight (it may fail).</summary>
    private PresenceSnapshot Snapshot()
    {
        var snapshot = _presence.Snapshot();
        if (!_committing && !ReferenceEquals(_publishedSnapshot, snapshot))
        {
            _localSnapshots.Publish(_user, snapshot);
            _publishedSnapshot = snapshot;
        }
        return snapshot;
    }

    // ---- Subscriber side ----

    /// <remarks>
    /// Each target admits us or is full; then one atomic row batch, and memory changes only once it is durable. Past the
    /// cap the subscriptions with least time left are evicted, the new ones included (<see cref="SubscriptionBook.Plan"/>).
    /// </remarks>
    public async Task<SubscribeResult> SubscribeAsync(IReadOnlyList<string> usernames, int expirySeconds)
    {
        ArgumentNullException.ThrowIfNull(usernames);
        ArgumentOutOfRangeException.ThrowIfLessThan(expirySeconds, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(expirySeconds, _limits.MaxExpirySeconds);
        var targets = _subscriptions.NormalizeTargets(usernames);
        var now = NowSeconds();
        var expiresAt = now + expirySeconds;

        var keys = targets.Select(target => _app.Prefix + target).ToArray();
        var (accepted, failed) = await _calls.AdmitAsync(targets, keys, WatchRequestUntil(expiresAt), RestoreTargetsAsync);
        var plan = _subscriptions.Plan(accepted, expiresAt, now);
        var upserts = new List<SubscriptionRow>(accepted.Count);
        var subscribed = new List<SubscribedPresence>(accepted.Count);
        var expiry = DateTimeOffset.FromUnixTimeSeconds(expiresAt);
        for (var i = 0; i < targets.Count; i++)
        {
            if (accepted.TryGetValue(targets[i], out var presence) && !plan.Evicted.Contains(targets[i]))
            {
                upserts.Add(new SubscriptionRow(_grainKey, keys[i], expiry));
                subscribed.Add(new SubscribedPresence(presence, expiresAt));
            }
        }
        try
        {
            await WriteSubscriptionRowsAsync(upserts, plan.Ended.Select(RowKey).ToList());
        }
        catch
        {
            await RestoreTargetsAsync(accepted.Keys);
            throw;
        }
        _subscriptions.Remove(plan.Ended);
        // Keyed by the target's own string (its snapshot's uid), which a call within the silo passes as is.
        foreach (var kept in subscribed)
            _subscriptions.Set(kept.Presence.Uid, expiresAt);

        // Rows are gone: tell our devices, then the targets; then the wake-ups follow the new earliest expiry.
        OnSubscriptionsEnded(plan.Expired, SubscriptionEndReason.Expired);
        OnSubscriptionsEnded(plan.Evicted, SubscriptionEndReason.Evicted);
        await _calls.ReleaseAsync(plan.Ended);
        Reschedule();
        await _wakeUpTriggers.SyncReminderAsync();

        PresenceMetrics.SubscriptionsAddedBy(subscribed.Count);
        _logger.LogSubscribed(_grainKey, subscribed.Count, failed.Count, plan.Evicted.Count);
        return new SubscribeResult(subscribed, failed);
    }

    public async Task UnsubscribeAsync(IReadOnlyList<string> usernames)
    {
        ArgumentNullException.ThrowIfNull(usernames);
        // An empty list means all; unknown names are fine. Named rows are deleted even when this activation does not
        // know them, and the write is fenced even when it deletes nothing: a stale duplicate activation must fail (and
        // the call be retried on fresh state), not answer "ok" for nothing.
        var targets = usernames.Count == 0
            ? _subscriptions.Entries.Keys.ToList()
            : usernames.Select(ExpiryEntries.Normalize).Distinct(StringComparer.Ordinal).ToList();
        await WriteSubscriptionRowsAsync([], targets.Select(RowKey).ToList());
        targets.RemoveAll(target => !_subscriptions.TryGetExpiry(target, out _));
        if (targets.Count == 0)
            return;
        _subscriptions.Remove(targets);
        PresenceMetrics.SubscriptionsEndedBy(targets.Count, "unsubscribed");
        await _calls.ReleaseAsync(targets);
        Reschedule();
        await _wakeUpTriggers.SyncReminderAsync();
        _logger.LogUnsubscribed(_grainKey, targets.Count);
    }

    public Task<SubscriptionPage> GetSubscriptionsAsync(int pageNum, int pageSize) =>
        Task.FromResult(_subscriptions.Page(pageNum, pageSize, NowSeconds()));

    /// <summary>Ends every subscription whose expiry has passed.</summary>
    private async Task ExpireDueSubscriptionsAsync()
    {
        var expired = _subscriptions.Due(NowSeconds());
        if (expired.Count == 0)
            return;
        await WriteSubscriptionRowsAsync([], expired.Select(RowKey).ToList());
        _subscriptions.Remove(expired);
        OnSubscriptionsEnded(expired, SubscriptionEndReason.Expired);
        await _calls.ReleaseAsync(expired);
    }

    /// <summary>Subscriptions ended without the subscriber asking (expired, evicted): the connected devices are told.</summary>
    private void OnSubscriptionsEnded(IReadOnlyCollection<string> targets, SubscriptionEndReason reason)
    {
        if (targets.Count == 0)
            return;
        _logger.LogSubscriptionsEnded(_grainKey, targets.Count, reason);
        PresenceMetrics.SubscriptionsEndedBy(targets.Count, reason == SubscriptionEndReason.Evicted ? "evicted" : "expired");
        foreach (var device in _devices.Observers)
        {
            foreach (var target in targets)
                _ = device.OnSubscriptionEnded(target, reason);
        }
    }

    /// <summary>Changes this user's rows, fenced: the state record goes first with its ETag, so a stale activation fails first.</summary>
    private async Task WriteSubscriptionRowsAsync(IReadOnlyCollection<SubscriptionRow> upserts, IReadOnlyCollection<SubscriptionKey> deletes)
    {
        _presence.State.SubscriptionRevision++;
        try
        {
            await WriteStateAsync();
        }
        catch
        {
            _presence.State.SubscriptionRevision--;
            throw;
        }
        if (upserts.Count > 0 || deletes.Count > 0)
            await _subscriptionTable.WriteAsync(upserts, deletes, CancellationToken.None);
    }

    /// <summary>Undoes a subscribe that could not complete: targets go back to the expiry they had, or forget us (best effort).</summary>
    private Task RestoreTargetsAsync(IEnumerable<string> targets) =>
        _calls.RestoreAsync(targets, target => _subscriptions.TryGetExpiry(target, out var previous) ? WatchRequestUntil(previous) : null);

    /// <summary>What this user tells a target it watches until <paramref name="expiresAt"/>, with where its devices are.</summary>
    private WatchRequest WatchRequestUntil(long expiresAt) =>
        new(_user.Username, expiresAt, _devices.Count > 0, _devices.ConnectionEpoch, _devices.AnnouncedHubs);

    // ---- Target side: only memory; the subscriber writes the rows, and we never call it and wait. ----

    public ValueTask<WatchResult> AdmitWatcherAsync(WatchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = ExpiryEntries.Normalize(request.Subscriber);
        if (!UserKey.IsValidUsername(name) || name == _user.Username)
            throw new ArgumentException($"'{request.Subscriber}' cannot watch this user.", nameof(request));
        var admitted = _watchers.Admit(name, request, NowSeconds());
        UpdateKeepAlive();
        var snapshot = Snapshot();
        if (!admitted)
        {
            _logger.LogWatcherRejected(_grainKey, name, _watchers.Count);
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
            && _watchers.IsLive(watcher, NowSeconds()))
        {
            SendTo(watcher, Snapshot()); // the devices drop it unless it is newer than what they already have
        }
        UpdateKeepAlive();
        return Task.CompletedTask;
    }

    // ---- Fan-out ----

    /// <summary>
    /// Publishes the current state after a change. The first change after a quiet window goes out at once and opens a
    /// window; changes inside it only mark it dirty, and its end sends the state of that moment. Each send is the latest
    /// state, so versions only ever grow.
    /// </summary>
    private void Publish()
    {
        if (_wakeUps.PublishWindowEnd is not null)
        {
            _publishPending = true;
            return;
        }
        if (_devices.Count == 0 && _watchers.ConnectedCount == 0)
            return; // nobody to tell, nothing to coalesce
        FanOut(Snapshot());
        if (_limits.CoalescingWindow > TimeSpan.Zero)
        {
            _wakeUps.OpenPublishWindow(_clock.GetUtcNow());
            _wakeUpTriggers.ArmTimer();
        }
    }

    /// <summary>One-way messages only, nothing awaited, offline watchers never activated (<see cref="WatcherBook.PlanFanOut"/>).</summary>
    private void FanOut(PresenceSnapshot snapshot)
    {
        foreach (var device in _devices.Observers)
            _ = device.OnPresenceChanged(snapshot);
        var plan = _watchers.PlanFanOut(NowSeconds(), _limits.MaxWatchersPerDelivery);
        _calls.Deliver(snapshot, plan);
        if (plan.EndedCount > 0)
            UpdateKeepAlive();
        _logger.LogFannedOut(_grainKey, snapshot.Version, _watchers.ConnectedCount);
    }

    /// <summary>One watcher's copy of a snapshot: through the hubs of its devices' processes, or its grain.</summary>
    private void SendTo(string watcher, PresenceSnapshot snapshot)
    {
        if (_watchers.HubsOf(watcher) is { } hubs)
        {
            var delivery = new HubDelivery(_user.Org, _user.App, snapshot, [watcher]);
            foreach (var hub in hubs)
                _ = hub.OnPresenceChanged(delivery);
        }
        else
            _ = _calls.User(watcher).DeliverPresenceAsync(snapshot);
    }

    public Task DeliverPresenceAsync(PresenceSnapshot presence)
    {
        ArgumentNullException.ThrowIfNull(presence);
        var target = presence.Uid;
        if (_devices.Count == 0)
        {
            // The target thinks we are connected (we lost our activation, or a notice was lost): correct it.
            _ = _calls.User(target).WatcherConnectionChangedAsync(_user.Username, false, _devices.NextEpoch());
            return Task.CompletedTask;
        }
        switch (_subscriptions.Accept(target, presence.Version, NowSeconds()))
        {
            case DeliveryVerdict.Forward:
                foreach (var device in _devices.Observers)
                    _ = device.OnPresenceChanged(presence);
                break;
            case DeliveryVerdict.NotSubscribed:
                _ = _calls.User(target).RemoveWatcherAsync(_user.Username); // a watcher entry without our row
                break;
        }
        return Task.CompletedTask;
    }

    public Task TargetResetAsync(string target)
    {
        var name = ExpiryEntries.Normalize(target);
        if (_devices.Count > 0 && _subscriptions.IsLive(name, NowSeconds()))
            _ = _calls.User(name).WatcherConnectionChangedAsync(_user.Username, true, _devices.ConnectionEpoch, resync: true, _devices.AnnouncedHubs);
        return Task.CompletedTask;
    }

    // ---- Devices ----

    public async Task<PresenceSnapshot> ConnectAsync(string resource, IPresenceObserver device, IPresenceHub? hub = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        ArgumentNullException.ThrowIfNull(device);
        // Durable and first, so that a crash cannot leave this resource online for good (see CheckConnectionsAsync).
        _wakeUps.ExpectConnections(_clock.GetUtcNow());
        await _wakeUpTriggers.SyncReminderAsync();
        // Every connection is a login, even onto a resource already online (a replaced connection, REST).
        await CommitAsync(() =>
        {
            _presence.Connect(resource);
            return true;
        });
        if (_devices.Other(resource, device) is { } replaced)
        {
            _logger.LogDeviceReplaced(_grainKey, resource);
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
            // Our predecessor held this device: take it back as it is, no login, and catch up with our targets.
            AddDevice(resource, device, hub, resync: true);
            return;
        }
        await ConnectAsync(resource, device, hub); // its resource went offline meanwhile: a login again
    }

    public async Task<PresenceSnapshot> DisconnectAsync(string resource, IPresenceObserver device, bool logout)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        ArgumentNullException.ThrowIfNull(device);
        if (!_devices.IsCurrent(resource, device))
            return Snapshot(); // replaced (or evicted): the resource belongs to a newer connection

        // The connection is gone whatever the write does.
        Announce(_devices.Remove([resource]));
        _gauges.Report(_presence.IsOnline, _devices.Count);
        _logger.LogDeviceDisconnected(_grainKey, resource, logout, _devices.Count);
        if (await CommitAsync(() => _presence.Disconnect(resource, logout)))
            Publish();
        Reschedule();
        await SyncReminderQuietlyAsync();
        return Snapshot();
    }

    private void AddDevice(string resource, IPresenceObserver device, IPresenceHub? hub, bool resync)
    {
        Announce(_devices.Add(resource, device, hub, resync));
        _gauges.Report(_presence.IsOnline, _devices.Count);
        _logger.LogDeviceConnected(_grainKey, resource, _devices.Count);
    }

    /// <summary>
    /// Tells each live target whether we have devices and where; with a resync they answer with their state. The first
    /// device or the last one leaving also moves keep-alive and the wake-ups (leases, expiry to the second).
    /// </summary>
    private void Announce(Announcement? announcement)
    {
        if (announcement is not { } change)
            return;
        if (change.ConnectionChanged && !change.Connected)
            _subscriptions.ForgetForwarded();
        _calls.AnnounceConnection(_subscriptions.LiveTargets(NowSeconds()), change.Connected, _devices.ConnectionEpoch, change.Resync, _devices.AnnouncedHubs);
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
        _logger.LogLeasesExpired(_grainKey, expired.Count);
        foreach (var (resource, device) in expired)
            await DisconnectAsync(resource, device, logout: false);
    }

    /// <summary>
    /// Resources held by connections that no registered device holds any more go offline — lost, as a missed heartbeat
    /// would have made them — once a fresh activation gave devices time to reconnect.
    /// </summary>
    private async Task CheckConnectionsAsync()
    {
        var now = _clock.GetUtcNow();
        _wakeUps.ConnectionsChecked(now);
        if (now - _activatedAt < _limits.OrphanedConnectionTimeout)
        {
            _wakeUps.ScheduleOrphanCheck(_activatedAt + _limits.OrphanedConnectionTimeout); // reconnecting devices still have time
            return;
        }
        var orphans = _presence.OrphanedResources(_devices.Has);
        if (await CommitAsync(() => _presence.SetLost(orphans)))
        {
            _logger.LogOrphansOffline(_grainKey, orphans.Count);
            Publish();
        }
    }

    private async Task ClearExtAfterGraceAsync()
    {
        if (await CommitAsync(_presence.ClearExtIfDue))
        {
            _logger.LogExtClearedAfterGrace(_grainKey);
            Publish();
        }
    }

    // ---- Wake-ups: one timer, one reminder ----

    private void UpdateWakeUps() =>
        _wakeUps.Update(_clock.GetUtcNow(), _presence.ExtClearAt, _subscriptions.EarliestExpiry, _devices.Count, _presence.HasConnectedResources);

    /// <summary>The deadlines follow the state, and the timer follows the deadlines.</summary>
    private void Reschedule()
    {
        UpdateWakeUps();
        _wakeUpTriggers.ArmTimer();
    }

    /// <summary>The timer: the work due now, in an order where each step sees what the previous one did.</summary>
    private async Task OnTimerAsync(CancellationToken cancellationToken)
    {
        _wakeUpTriggers.TimerFired();
        var now = _clock.GetUtcNow();
        var due = _wakeUps.TakeTimerWork(now);
        try
        {
            if (due.HasFlag(WakeUp.PublishWindow) && _publishPending)
            {
                _publishPending = false;
                Publish();
            }
            if (due.HasFlag(WakeUp.LeaseCheck))
                await ExpireLeasesAsync();
            if (due.HasFlag(WakeUp.OrphanCheck))
                await CheckConnectionsAsync();
            if (due.HasFlag(WakeUp.SubscriptionExpiry))
                await ExpireDueSubscriptionsAsync();
            if (due.HasFlag(WakeUp.ExtGrace))
                await ClearExtAfterGraceAsync();
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

    /// <summary>
    /// The reminder: every durable deadline is checked (each finds nothing when not due), then it is armed for the next.
    /// A failed tick runs again a period later.
    /// </summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        var retired = Array.IndexOf(RetiredReminderNames, reminderName) >= 0;
        if (reminderName != GrainWakeUps.ReminderName && !retired)
        {
            _logger.LogUnknownReminder(_grainKey, reminderName);
            await _wakeUpTriggers.UnregisterAsync(reminderName);
            return;
        }
        await ExpireDueSubscriptionsAsync();
        await ClearExtAfterGraceAsync();
        await CheckConnectionsAsync();
        Reschedule();
        if (retired)
        {
            await _wakeUpTriggers.UnregisterAsync(reminderName);
            await _wakeUpTriggers.SyncReminderAsync();
        }
        else
            await _wakeUpTriggers.AfterReminderTickAsync();
    }

    /// <summary>After a deadline went away: a reminder left armed only ticks once for nothing, so a failure here is harmless.</summary>
    private async Task SyncReminderQuietlyAsync()
    {
        try
        {
            await _wakeUpTriggers.SyncReminderAsync();
        }
        catch (Exception exception)
        {
            _logger.LogReminderNotChanged(exception, _grainKey);
        }
    }

    // ---- Helpers ----

    private long NowSeconds() => _clock.GetUtcNow().ToUnixTimeSeconds();

    private SubscriptionKey RowKey(string target) => new(_grainKey, _app.Prefix + target);

    /// <summary>
    /// Keeps this activation in memory while devices or connected watchers rely on it (idle collection would drop them).
    /// Tells Orleans only when that changes: every subscribe reaches each target here, and Orleans takes a lock.
    /// </summary>
    private void UpdateKeepAlive()
    {
        var keepAlive = _devices.Count > 0 || _watchers.ConnectedCount > 0;
        if (keepAlive == _keptAlive)
            return;
        _keptAlive = keepAlive;
        DelayDeactivation(keepAlive ? Timeout.InfiniteTimeSpan : TimeSpan.Zero);
    }

    /// <summary>
    /// Writes the state record. A stale ETag throws Orleans' <c>InconsistentStateException</c> (Orleans then deactivates us);
    /// an outage, <see cref="StorageUnavailableException"/> from the storage provider itself.
    /// </summary>
    private Task WriteStateAsync() => _state.WriteStateAsync();
}
