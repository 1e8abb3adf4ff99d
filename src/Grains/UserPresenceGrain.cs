using System.Runtime.ExceptionServices;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Presence.Orleans.Diagnostics;

namespace Presence.Orleans.Grains;

/// <summary>
/// The presence of one user (key <c>{org}/{app}/{username}</c>): per-resource statuses, <c>ext</c>,
/// <c>last_time</c> and a version, persisted as one small blob; plus both ends of the user's
/// subscriptions, persisted as rows of <see cref="ISubscriptionTable"/> and held here as two maps.
/// This grain as subscriber awaits its targets; as target it only ever calls its watchers one way, so
/// no call chain waits in a circle (crossed subscriptions rely on the target-side calls interleaving).
/// Connected devices and real-time fan-out live in the other parts of this class.
/// </summary>
[GrainType(GrainTypeName)]
internal sealed partial class UserPresenceGrain : Grain, IUserPresenceGrain, IRemindable
{
    /// <summary>The grain type in Orleans ids, storage rows and reminders: fixed, so renaming the class moves no data.</summary>
    internal const string GrainTypeName = "user-presence";

    /// <summary>Name of the state record, under the storage provider named <see cref="StorageName"/>.</summary>
    internal const string StateName = "presence";

    /// <summary>The grain storage provider this grain uses (Orleans' default provider name).</summary>
    internal const string StorageName = "Default";

    internal const string ExpiryReminderName = "subscriptions-expiry";
    private const string OfflineStatus = "0";
    private const string OnlineStatus = "1";

    /// <summary>Marks "armed state unknown" (after activation), so the next arm always writes.</summary>
    private const long ReminderUnknown = long.MinValue;

    private readonly IPersistentState<UserPresenceState> _state;
    private readonly ISubscriptionTable _subscriptionTable;
    private readonly LocalPresenceSnapshots _localSnapshots;

    /// <summary>A change is being written: snapshots built meanwhile (by interleaved calls) are not published locally.</summary>
    private bool _committing;

    /// <summary>The snapshot this activation has in <see cref="_localSnapshots"/>, if any.</summary>
    private PresenceSnapshot? _publishedSnapshot;
    private readonly PresenceLimits _limits;
    private readonly ILogger _logger;

    private UserKey _user;

    /// <summary>The tenant's shared strings (<c>{org}/{app}</c>, its key prefix).</summary>
    private AppNames _app = null!;

    /// <summary>
    /// Users this user watches: target username → expiry (Unix seconds). Expired entries stay until purged. Made on
    /// first write, like <see cref="_watchers"/>: most users have neither; reads go through <see cref="Subscriptions"/>.
    /// </summary>
    private Dictionary<string, long>? _subscriptions;

    /// <summary>Users watching this user: subscriber username → expiry (Unix seconds). Can hold 100,000+ entries.</summary>
    private Dictionary<string, long>? _watchers;

    /// <summary>What a user without subscriptions or watchers reads (never written).</summary>
    private static readonly IReadOnlyDictionary<string, long> NoEntries = new Dictionary<string, long>();

    private IReadOnlyDictionary<string, long> Subscriptions => _subscriptions ?? NoEntries;

    private IReadOnlyDictionary<string, long> Watchers => _watchers ?? NoEntries;

    private PresenceSnapshot? _snapshot;
    private UserPresenceState? _snapshotOf;

    /// <summary>The answer to an admitted watcher, made once per snapshot: the watchers of a user ask in bursts.</summary>
    private WatchResult? _admitted;

    /// <summary>Unix second the expiry reminder is armed for; null when none is armed.</summary>
    private long? _reminderDueAt;

    public UserPresenceGrain(
        [PersistentState(StateName, StorageName)] IPersistentState<UserPresenceState> state,
        ISubscriptionTable subscriptionTable,
        IOptions<PresenceLimits> limits,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider timeProvider,
        LocalPresenceSnapshots localSnapshots,
        ILogger<UserPresenceGrain> logger)
    {
        _state = state;
        _localSnapshots = localSnapshots;
        _subscriptionTable = subscriptionTable;
        _limits = limits.Value;
        TimeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The grain's clock (Orleans' grain time provider; tests drive it).</summary>
    private TimeProvider TimeProvider { get; }

    private string GrainKey { get; set; } = "";

    private UserPresenceState State
    {
        get => _state.State;
        set => _state.State = value;
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        GrainKey = this.GetPrimaryKeyString();
        var key = UserKey.Parse(GrainKey);
        _app = AppNames.Of(key.Org, key.App);
        _user = new UserKey(_app.Org, _app.App, key.Username);

        var subscriptions = _subscriptionTable.ReadBySubscriberAsync(GrainKey, cancellationToken);
        var watchers = _subscriptionTable.ReadByTargetAsync(GrainKey, cancellationToken);
        await Task.WhenAll(subscriptions, watchers);

        // Expired subscriptions are kept: their rows still have to be deleted (by the reminder).
        _subscriptions = ToUsernameMap(subscriptions.Result, static row => row.Target, liveAfter: long.MinValue);
        // Expired watchers are dead weight: the subscriber side owns their rows.
        _watchers = ToUsernameMap(watchers.Result, static row => row.Subscriber, liveAfter: NowSeconds());

        // A crash between a row write and arming could have left the reminder stale: re-arm once per activation.
        _reminderDueAt = Subscriptions.Count == 0 ? null : ReminderUnknown;
        await ArmExpiryReminderAsync();
        ArmGraceTimer();
        _activatedAt = TimeProvider.GetUtcNow();
        if (HasOrphanedResources())
            ArmOrphanTimer(); // devices of a crashed process get time to reconnect before they show offline
        ReportGauges();
        LogActivated(GrainKey, Subscriptions.Count, Watchers.Count);
    }

    // ---- Presence ----

    public async Task<PresenceSnapshot> SetStatusAsync(string resource, string status, string? ext)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        ArgumentException.ThrowIfNullOrEmpty(status);
        if (ext is not null && Encoding.UTF8.GetByteCount(ext) > _limits.MaxExtBytes)
            throw new ArgumentException("ext is too big ", nameof(ext));

        var changed = await CommitAsync(() =>
        {
            // A resource seen for the first time is recorded even as "0" (the seeds list offline resources that
            // way); only a move to or from "0" of a known resource, or a first status other than "0", is a login.
            var known = State.Resources.TryGetValue(resource, out var current);
            var statusChanged = !known || current!.Status != status;
            var extChanged = ext is not null && ext != State.Ext;
            if (!statusChanged && !extChanged)
                return false;
            if (statusChanged)
                SetResource(resource, status, loggedOut: false, login: known ? current!.Status == OfflineStatus || status == OfflineStatus : status != OfflineStatus);
            if (extChanged)
                State.Ext = ext!;
            return true;
        });
        if (changed)
        {
            LogStatusChanged(GrainKey, resource, status, State.Version);
            Publish();
        }
        return Snapshot();
    }

    public Task<PresenceSnapshot> GetPresenceAsync() => Task.FromResult(Snapshot());

    /// <summary>Over the limit, drops the oldest offline resource first, then the oldest online one.</summary>
    private void EvictResourcesOverLimit(string keep)
    {
        var resources = State.Resources;
        while (resources.Count > _limits.MaxResourcesPerUser)
        {
            var victim = resources
                .Where(p => p.Key != keep)
                .OrderBy(p => p.Value.Status == OfflineStatus ? 0 : 1)
                .ThenBy(p => p.Value.ChangedAt)
                .ThenBy(p => p.Key, StringComparer.Ordinal)
                .First().Key;
            resources.Remove(victim);
            LogResourceEvicted(GrainKey, victim);
        }
    }

    /// <summary>
    /// The current state as an immutable snapshot, built once per change and shared by every read, event and
    /// answer until the next one. Keyed by the state object as well as its version: a failed write rolls back to
    /// another object, so a snapshot of a change that never became durable is never served.
    /// </summary>
    private PresenceSnapshot Snapshot()
    {
        if (_snapshot is not { } cached || !ReferenceEquals(_snapshotOf, State) || cached.Version != State.Version)
        {
            var status = new Dictionary<string, string>(State.Resources.Count, StringComparer.Ordinal);
            foreach (var (resource, state) in State.Resources)
                status[resource] = state.Status;
            _snapshotOf = State;
            _snapshot = new PresenceSnapshot(_user.Username, State.LastTime, State.Ext, status, State.Version, GetStatusType())
            {
                ChangedAtUnixMs = _changedAtUnixMs,
            };
        }
        // Only durable states are read locally: not one whose write is still in flight (and may fail).
        if (!_committing && !ReferenceEquals(_publishedSnapshot, _snapshot))
        {
            _localSnapshots.Publish(_user, _snapshot);
            _publishedSnapshot = _snapshot;
        }
        return _snapshot;
    }

    private void WithdrawLocalSnapshot()
    {
        _localSnapshots.Withdraw(_user);
        _publishedSnapshot = null;
    }

    /// <summary>
    /// The one place that derives the status type: online when any resource is; unlogined when none was ever
    /// seen or every one logged out explicitly; otherwise offline (lost, or set to "0" over REST).
    /// </summary>
    private PresenceStatusType GetStatusType()
    {
        var allLoggedOut = true;
        foreach (var resource in State.Resources.Values)
        {
            if (resource.Status != OfflineStatus)
                return PresenceStatusType.Online;
            allLoggedOut &= resource.LoggedOut;
        }
        return allLoggedOut ? PresenceStatusType.Unlogined : PresenceStatusType.Offline;
    }

    private bool IsOnline()
    {
        foreach (var resource in State.Resources.Values)
        {
            if (resource.Status != OfflineStatus)
                return true;
        }
        return false;
    }

    /// <summary>Sets one resource; a <paramref name="login"/> (to or from "0", or a new connection) moves <c>last_time</c>.</summary>
    private void SetResource(string resource, string status, bool loggedOut, bool login, bool? connected = null)
    {
        var now = TimeProvider.GetUtcNow();
        // Unless told, a resource stays connection-held while a device holds it and it is not offline.
        var held = connected ?? (status != OfflineStatus && HasDevice(resource));
        State.Resources[resource] = new ResourceState { Status = status, ChangedAt = now, LoggedOut = loggedOut, Connected = held };
        if (login)
            State.LastTime = now.ToUnixTimeSeconds();
        EvictResourcesOverLimit(keep: resource);
    }

    /// <summary>
    /// Applies <paramref name="change"/> (which returns false, having touched nothing, when there is nothing to
    /// change), bumps the version and writes once; memory is rolled back if the write fails, so what clients are
    /// told always matches what is stored. Also starts or cancels the <c>ext</c> grace period. The caller publishes.
    /// </summary>
    private async Task<bool> CommitAsync(Func<bool> change)
    {
        var before = State.Clone();
        var wasOnline = IsOnline();
        if (!change())
            return false;
        StampChange();
        State.Version++;
        var graceStarted = UpdateExtGrace(wasOnline);
        // The published snapshot is about to be stale; the next read on this silo republishes the new one.
        WithdrawLocalSnapshot();
        _committing = true;
        try
        {
            // The durable backstop goes first: a crash between the two leaves only a tick that finds nothing to do.
            if (graceStarted)
                await ArmReminderAsync(GraceReminderName, _limits.ExtGracePeriod);
            await WriteStateAsync();
        }
        catch
        {
            State = before;
            throw;
        }
        finally
        {
            _committing = false;
        }
        DropDevicesWithoutResource();
        OnChangeCommitted();
        var graceCancelled = before.ExtClearAt is not null && State.ExtClearAt is null;
        if (graceStarted || graceCancelled)
            ArmGraceTimer();
        if (graceCancelled)
            await ForgetGraceReminderAsync();
        return true;
    }

    // ---- Subscriber side ----

    /// <remarks>
    /// Past <see cref="PresenceLimits.MaxSubscriptionsPerUser"/>, the live subscriptions with least time
    /// left are evicted (ties by uid), as Agora and Easemob do — the ones this call just added included:
    /// a new subscription shorter than all others is evicted at once, is absent from the result (it is
    /// not in <see cref="SubscribeResult.Failed"/> either, which names full targets) and ends like any
    /// other eviction.
    /// </remarks>
    public async Task<SubscribeResult> SubscribeAsync(IReadOnlyList<string> usernames, int expirySeconds)
    {
        ArgumentNullException.ThrowIfNull(usernames);
        ArgumentOutOfRangeException.ThrowIfLessThan(expirySeconds, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(expirySeconds, _limits.MaxExpirySeconds);
        var targets = NormalizeTargets(usernames);
        var now = NowSeconds();
        var expiresAt = now + expirySeconds;

        // 1. Each target admits us (or is full). Targets never call back (no A → B → A chain); crossed
        //    subscriptions are the runtime caveat noted on the class. Each target's key is made once, for its call
        //    and its row.
        var keys = new string[targets.Count];
        var calls = new ValueTask<WatchResult>[targets.Count];
        var request = WatchRequestUntil(expiresAt);
        for (var i = 0; i < targets.Count; i++)
        {
            keys[i] = TargetKey(targets[i]);
            calls[i] = GrainFactory.GetUserGrain(keys[i]).AdmitWatcherAsync(request);
        }
        await GrainCallBatch.WhenAllCompleted(calls);
        var accepted = new Dictionary<string, PresenceSnapshot>(calls.Length, StringComparer.Ordinal);
        var failed = new List<string>();
        Exception? error = null;
        for (var i = 0; i < calls.Length; i++)
        {
            try
            {
                var answer = calls[i].Result;
                if (answer.Accepted)
                    accepted[targets[i]] = answer.Presence;
                else
                    failed.Add(targets[i]);
            }
            catch (Exception ex)
            {
                error ??= ex;
                LogTargetCallFailed(ex, GrainKey, targets[i]);
            }
        }
        if (error is not null)
        {
            await RestoreTargetsAsync(accepted.Keys);
            ExceptionDispatchInfo.Throw(error);
        }

        // 2. Decide what goes: expired subscriptions (unless renewed now), then the least time left past the cap.
        var expired = Subscriptions.Where(p => p.Value <= now && !accepted.ContainsKey(p.Key)).Select(p => p.Key).ToList();
        var evicted = SelectEvictions(accepted, expiresAt, now);

        // 3. One atomic batch; memory changes only once it is durable.
        var upserts = new List<SubscriptionRow>(accepted.Count);
        var subscribed = new List<SubscribedPresence>(accepted.Count);
        var expiry = DateTimeOffset.FromUnixTimeSeconds(expiresAt);
        for (var i = 0; i < targets.Count; i++)
        {
            if (accepted.TryGetValue(targets[i], out var presence) && !evicted.Contains(targets[i]))
            {
                upserts.Add(new SubscriptionRow(GrainKey, keys[i], expiry));
                subscribed.Add(new SubscribedPresence(presence, expiresAt));
            }
        }
        var deletes = expired.Concat(evicted).Select(RowKey).ToList();
        try
        {
            await WriteSubscriptionRowsAsync(upserts, deletes);
        }
        catch
        {
            await RestoreTargetsAsync(accepted.Keys);
            throw;
        }
        foreach (var target in expired.Concat(evicted))
            _subscriptions?.Remove(target);
        // Keyed by the target's own string (its snapshot's uid), which a call within the silo passes as is, rather
        // than the request's copy: one string fewer per subscription held.
        foreach (var kept in subscribed)
            (_subscriptions ??= new(StringComparer.Ordinal))[kept.Presence.Uid] = expiresAt;

        // 4. Rows are gone: tell our devices, then the targets; then the reminder is due by the new earliest expiry.
        OnSubscriptionsEnded(expired, SubscriptionEndReason.Expired);
        OnSubscriptionsEnded(evicted, SubscriptionEndReason.Evicted);
        await ReleaseTargetsAsync(expired.Concat(evicted));
        await ArmExpiryReminderAsync();

        PresenceMetrics.SubscriptionsAddedBy(subscribed.Count);
        LogSubscribed(GrainKey, subscribed.Count, failed.Count, evicted.Count);
        return new SubscribeResult(subscribed, failed);
    }

    public async Task UnsubscribeAsync(IReadOnlyList<string> usernames)
    {
        ArgumentNullException.ThrowIfNull(usernames);
        // An empty list means all (Tencent); unknown names are fine. Named rows are deleted even when this
        // activation does not know them, and the write is fenced even when it deletes nothing: a stale
        // duplicate activation must fail (and the call be retried on fresh state), not answer "ok" for nothing.
        var targets = usernames.Count == 0
            ? Subscriptions.Keys.ToList()
            : usernames.Select(NormalizeUsername).Distinct(StringComparer.Ordinal).ToList();

        await WriteSubscriptionRowsAsync([], targets.Select(RowKey).ToList());
        targets.RemoveAll(target => !Subscriptions.ContainsKey(target));
        if (targets.Count == 0)
            return;
        foreach (var target in targets)
        {
            _subscriptions?.Remove(target);
            _forwardedVersions?.Remove(target);
        }
        PresenceMetrics.SubscriptionsEndedBy(targets.Count, "unsubscribed");
        await ReleaseTargetsAsync(targets);
        await ArmExpiryReminderAsync();
        LogUnsubscribed(GrainKey, targets.Count);
    }

    public Task<SubscriptionPage> GetSubscriptionsAsync(int pageNum, int pageSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageNum, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, _limits.MaxPageSize);

        var live = LiveEntries(_subscriptions);
        var skip = (long)(pageNum - 1) * pageSize;
        List<SubscriptionEntry> items = skip >= live.Count ? []
            : skip == 0 && live.Count <= pageSize ? live // the whole list is the page: no second copy
            : live.GetRange((int)skip, (int)Math.Min(pageSize, live.Count - skip));
        return Task.FromResult(new SubscriptionPage(live.Count, items));
    }

    /// <summary>Durable expiry: the one-shot reminder fires at the earliest expiry and is re-armed for the next.</summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        switch (reminderName)
        {
            case ExpiryReminderName:
                // This one-shot is spent, but an activation may have re-armed meanwhile: settle it explicitly below.
                _reminderDueAt = ReminderUnknown;
                await ExpireDueSubscriptionsAsync();
                break;
            case GraceReminderName:
                await ClearExtAfterGraceAsync();
                if (State.ExtClearAt is null)
                    await ForgetGraceReminderAsync();
                break;
            case ConnectionsReminderName:
                await CheckConnectionsAsync();
                break;
            default:
                LogUnknownReminder(GrainKey, reminderName);
                await DisarmReminderAsync(reminderName);
                break;
        }
    }

    /// <summary>
    /// Changes this user's subscription rows, fenced: the state record is written first with its ETag, so a
    /// stale duplicate activation fails with <see cref="InconsistentStateException"/> before touching rows.
    /// </summary>
    private async Task WriteSubscriptionRowsAsync(IReadOnlyCollection<SubscriptionRow> upserts, IReadOnlyCollection<SubscriptionKey> deletes)
    {
        State.SubscriptionRevision++;
        try
        {
            await WriteStateAsync();
        }
        catch
        {
            State.SubscriptionRevision--;
            throw;
        }
        if (upserts.Count > 0 || deletes.Count > 0)
            await _subscriptionTable.WriteAsync(upserts, deletes, CancellationToken.None);
    }

    /// <summary>Ends every subscription whose expiry has passed (reminder or, with devices connected, the precise timer).</summary>
    private async Task ExpireDueSubscriptionsAsync()
    {
        var now = NowSeconds();
        var expired = Subscriptions.Where(p => p.Value <= now).Select(p => p.Key).ToList();
        if (expired.Count > 0)
        {
            await WriteSubscriptionRowsAsync([], expired.Select(RowKey).ToList());
            foreach (var target in expired)
                _subscriptions?.Remove(target);
            OnSubscriptionsEnded(expired, SubscriptionEndReason.Expired);
            await ReleaseTargetsAsync(expired);
        }
        await ArmExpiryReminderAsync();
    }

    /// <summary>
    /// Picks the live subscriptions to evict so that at most <see cref="PresenceLimits.MaxSubscriptionsPerUser"/>
    /// remain once <paramref name="accepted"/> are set to <paramref name="expiresAt"/>: least time left first, ties by uid.
    /// </summary>
    private HashSet<string> SelectEvictions(IReadOnlyDictionary<string, PresenceSnapshot> accepted, long expiresAt, long now)
    {
        var kept = accepted.Count;
        foreach (var (target, expiry) in Subscriptions)
        {
            if (expiry > now && !accepted.ContainsKey(target))
                kept++;
        }
        var excess = kept - _limits.MaxSubscriptionsPerUser;
        if (excess <= 0)
            return [];
        return Subscriptions
            .Where(p => p.Value > now && !accepted.ContainsKey(p.Key))
            .Select(p => (Uid: p.Key, ExpiresAt: p.Value))
            .Concat(accepted.Keys.Select(t => (Uid: t, ExpiresAt: expiresAt)))
            .OrderBy(c => c.ExpiresAt)
            .ThenBy(c => c.Uid, StringComparer.Ordinal)
            .Take(excess)
            .Select(c => c.Uid)
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// The single place where subscriptions end without the subscriber asking (expired, evicted): the connected
    /// devices get <c>subscription_ended</c>. Called once the subscriptions left memory, so nothing of those
    /// targets is forwarded after it.
    /// </summary>
    private void OnSubscriptionsEnded(IReadOnlyCollection<string> targets, SubscriptionEndReason reason)
    {
        if (targets.Count == 0)
            return;
        LogSubscriptionsEnded(GrainKey, targets.Count, reason);
        PresenceMetrics.SubscriptionsEndedBy(targets.Count, reason == SubscriptionEndReason.Evicted ? "evicted" : "expired");
        foreach (var target in targets)
            _forwardedVersions?.Remove(target);
        foreach (var device in (_devices ?? NoDevices).Values)
        {
            foreach (var target in targets)
                _ = device.OnSubscriptionEnded(target, reason);
        }
    }

    /// <summary>Tells targets we no longer watch them. A failure only leaves a watcher that dies at its expiry.</summary>
    private async Task ReleaseTargetsAsync(IEnumerable<string> targets)
    {
        var calls = targets.Select(target => (Target: target, Call: UserGrain(target).RemoveWatcherAsync(_user.Username))).ToList();
        foreach (var (target, call) in calls)
        {
            try
            {
                await call;
            }
            catch (Exception ex)
            {
                LogTargetCallFailed(ex, GrainKey, target);
            }
        }
    }

    /// <summary>What this user tells a target that it watches until <paramref name="expiresAt"/>, with where its devices are.</summary>
    private WatchRequest WatchRequestUntil(long expiresAt) =>
        new(_user.Username, expiresAt, DeviceCount > 0, _connectionEpoch, _announcedHubs);

    /// <summary>
    /// Undoes a subscribe that could not complete: targets go back to the expiry they had (an existing
    /// watcher is always re-admitted) or forget us. Best effort; a leftover dies at its expiry.
    /// </summary>
    private async Task RestoreTargetsAsync(IEnumerable<string> targets)
    {
        var calls = targets
            .Select(target => (Target: target, Call: Subscriptions.TryGetValue(target, out var previous)
                ? UserGrain(target).AdmitWatcherAsync(WatchRequestUntil(previous)).AsTask()
                : UserGrain(target).RemoveWatcherAsync(_user.Username)))
            .ToList();
        foreach (var (target, call) in calls)
        {
            try
            {
                await call;
            }
            catch (Exception ex)
            {
                LogTargetCallFailed(ex, GrainKey, target);
            }
        }
    }

    /// <summary>
    /// Keeps the single one-shot reminder at the earliest expiry among our subscriptions, and, while devices are
    /// connected, a timer at the same instant (reminders are polled; the timer ends subscriptions on the second).
    /// </summary>
    private async Task ArmExpiryReminderAsync()
    {
        ArmExpiryTimer();
        long? next = Subscriptions.Count == 0 ? null : Subscriptions.Values.Min();
        if (next == _reminderDueAt)
            return;
        // A reminder armed for no later than the next expiry stays: firing early, its handler finds nothing due and
        // re-arms for the right second. Renewals, which only move expiries later, then cost no reminder write each.
        if (next is { } due && _reminderDueAt is { } armed && armed != ReminderUnknown && armed <= due)
            return;
        if (next is null)
        {
            await DisarmReminderAsync(ExpiryReminderName);
        }
        else
        {
            var dueTime = DateTimeOffset.FromUnixTimeSeconds(next.Value) - TimeProvider.GetUtcNow();
            await ArmReminderAsync(ExpiryReminderName, dueTime);
        }
        _reminderDueAt = next;
    }

    // ---- Target side: only memory; the subscriber writes the rows, and we never call it. ----

    public ValueTask<WatchResult> AdmitWatcherAsync(WatchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = NormalizeUsername(request.Subscriber);
        if (!UserKey.IsValidUsername(name) || name == _user.Username)
            throw new ArgumentException($"'{request.Subscriber}' cannot watch this user.", nameof(request));

        var now = NowSeconds();
        var watching = Watchers.TryGetValue(name, out var current) && current > now;
        if (!watching && Watchers.Count >= _limits.MaxSubscribersPerUser)
        {
            // Expired watchers are dropped lazily, only when they might be what makes us look full.
            PurgeExpiredWatchers(now);
            if (Watchers.Count >= _limits.MaxSubscribersPerUser)
            {
                LogWatcherRejected(GrainKey, name, Watchers.Count);
                return new(new WatchResult(false, Snapshot()));
            }
        }
        (_watchers ??= new(StringComparer.Ordinal))[name] = request.ExpiresAtUnixSeconds;
        ApplyWatcherConnection(name, request.Connected, request.ConnectionEpoch, request.Hubs);
        var snapshot = Snapshot();
        if (_admitted is not { } admitted || !ReferenceEquals(admitted.Presence, snapshot))
            _admitted = admitted = new WatchResult(true, snapshot);
        return new(admitted);
    }

    public Task RemoveWatcherAsync(string subscriber)
    {
        var name = NormalizeUsername(subscriber);
        _watchers?.Remove(name);
        ForgetWatcherConnection(name);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SubscriptionEntry>> GetWatchersAsync() =>
        Task.FromResult<IReadOnlyList<SubscriptionEntry>>(LiveEntries(_watchers));

    private void PurgeExpiredWatchers(long now)
    {
        if (_watchers is null)
            return;
        foreach (var (name, expiresAt) in _watchers)
        {
            if (expiresAt <= now)
            {
                _watchers.Remove(name); // removing during enumeration is allowed for Dictionary
                ForgetWatcherConnection(name);
            }
        }
    }

    // ---- Helpers ----

    private long NowSeconds() => TimeProvider.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>Entries whose expiry is after now, ordered by uid: an entry is gone at its expiry second.</summary>
    private List<SubscriptionEntry> LiveEntries(Dictionary<string, long>? entries)
    {
        var now = NowSeconds();
        var live = new List<SubscriptionEntry>(entries?.Count ?? 0);
        foreach (var (uid, expiresAt) in entries ?? [])
        {
            if (expiresAt > now)
                live.Add(new SubscriptionEntry(uid, expiresAt));
        }
        live.Sort(static (a, b) => string.CompareOrdinal(a.Uid, b.Uid));
        return live;
    }

    private List<string> NormalizeTargets(IReadOnlyList<string> usernames)
    {
        var targets = new List<string>(usernames.Count);
        var seen = new HashSet<string>(usernames.Count, StringComparer.Ordinal);
        foreach (var username in usernames)
        {
            var name = NormalizeUsername(username);
            if (!UserKey.IsValidUsername(name))
                throw new ArgumentException($"'{username}' is not a valid username.", nameof(usernames));
            if (name == _user.Username)
                throw new ArgumentException("you can't sub yourself", nameof(usernames));
            if (seen.Add(name))
                targets.Add(name);
        }
        return targets;
    }

    private static string NormalizeUsername(string username)
    {
        ArgumentNullException.ThrowIfNull(username);
        return username.ToLowerInvariant();
    }

    /// <summary>The rows' other ends in this app → expiry; null when there are none (see <see cref="_subscriptions"/>).</summary>
    private Dictionary<string, long>? ToUsernameMap(IReadOnlyList<SubscriptionRow> rows, Func<SubscriptionRow, string> otherEnd, long liveAfter)
    {
        Dictionary<string, long>? map = null;
        foreach (var row in rows)
        {
            var key = otherEnd(row);
            var expiresAt = row.ExpiresAt.ToUnixTimeSeconds();
            if (expiresAt > liveAfter && key.StartsWith(_app.Prefix, StringComparison.Ordinal))
                (map ??= new(rows.Count, StringComparer.Ordinal))[key[_app.Prefix.Length..]] = expiresAt;
        }
        return map;
    }

    /// <summary>The grain of <paramref name="username"/> (normalized) of this user's app.</summary>
    private IUserPresenceGrain UserGrain(string username) => GrainFactory.GetUserGrain(TargetKey(username));

    /// <summary>The key of <paramref name="username"/> (normalized) of this user's app.</summary>
    private string TargetKey(string username) => _app.Prefix + username;

    private SubscriptionKey RowKey(string target) => new(GrainKey, TargetKey(target));

    // ---- Logging ----

    [LoggerMessage(Level = LogLevel.Debug, Message = "Activated {GrainKey} with {SubscriptionCount} subscriptions and {WatcherCount} watchers")]
    private partial void LogActivated(string grainKey, int subscriptionCount, int watcherCount);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{GrainKey} set {Resource} to {Status} (version {Version})")]
    private partial void LogStatusChanged(string grainKey, string resource, string status, long version);

    [LoggerMessage(Level = LogLevel.Information, Message = "{GrainKey} evicted resource {Resource}: over the resource limit")]
    private partial void LogResourceEvicted(string grainKey, string resource);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{GrainKey} subscribed to {SubscribedCount} users, {FailedCount} full, {EvictedCount} evicted")]
    private partial void LogSubscribed(string grainKey, int subscribedCount, int failedCount, int evictedCount);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{GrainKey} unsubscribed from {Count} users")]
    private partial void LogUnsubscribed(string grainKey, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{GrainKey} ended {Count} subscriptions: {Reason}")]
    private partial void LogSubscriptionsEnded(string grainKey, int count, SubscriptionEndReason reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{GrainKey} refused watcher {Subscriber}: {WatcherCount} watchers already")]
    private partial void LogWatcherRejected(string grainKey, string subscriber, int watcherCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{GrainKey}: call to target {Target} failed")]
    private partial void LogTargetCallFailed(Exception exception, string grainKey, string target);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{GrainKey}: device {Resource} connected ({DeviceCount} connected)")]
    private partial void LogDeviceConnected(string grainKey, string resource, int deviceCount);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{GrainKey}: device {Resource} disconnected (logout: {Logout}; {DeviceCount} connected)")]
    private partial void LogDeviceDisconnected(string grainKey, string resource, bool logout, int deviceCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "{GrainKey}: a new connection replaced the device of {Resource}")]
    private partial void LogDeviceReplaced(string grainKey, string resource);

    [LoggerMessage(Level = LogLevel.Information, Message = "{GrainKey}: {Count} devices were not renewed in time (their process died); their resources go offline")]
    private partial void LogLeasesExpired(string grainKey, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "{GrainKey}: {Count} resources held by connections that no longer exist went offline")]
    private partial void LogOrphansOffline(string grainKey, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{GrainKey}: the connections reminder could not be removed; its next tick tries again")]
    private partial void LogConnectionsReminderNotRemoved(Exception exception, string grainKey);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{GrainKey}: ext cleared after the grace period")]
    private partial void LogExtClearedAfterGrace(string grainKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{GrainKey}: the grace reminder could not be removed; its tick will do nothing")]
    private partial void LogGraceReminderNotRemoved(Exception exception, string grainKey);

    [LoggerMessage(Level = LogLevel.Trace, Message = "{GrainKey}: version {Version} sent to own devices and {WatcherCount} connected watchers")]
    private partial void LogFannedOut(string grainKey, long version, int watcherCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{GrainKey} received unknown reminder {ReminderName}; unregistering it")]
    private partial void LogUnknownReminder(string grainKey, string reminderName);
}
