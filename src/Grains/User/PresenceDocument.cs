using System.Text;
using Microsoft.Extensions.Logging;

namespace Presence.Grains;

/// <summary>
/// The presence of one user as stored (<see cref="UserPresenceState"/>) and every rule about it: per-resource
/// statuses and the eviction of the oldest offline resource, logins and <c>last_time</c>, the status type, the
/// <c>ext</c> grace deadline, one version per change, and the snapshot that clients read.
/// </summary>
/// <remarks>
/// A change runs as <see cref="Checkpoint"/>, one or more change methods, then <see cref="Seal"/> (the version and
/// the grace deadline follow) — or <see cref="Restore"/> when it could not be made durable, so what clients are told
/// always matches what is stored. No Orleans types: the grain writes <see cref="State"/> and publishes.
/// </remarks>
internal sealed partial class PresenceDocument
{
    public const string OfflineStatus = "0";
    public const string OnlineStatus = "1";

    private readonly string _uid;
    private readonly PresenceLimits _limits;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;

    private PresenceSnapshot? _snapshot;
    private UserPresenceState? _snapshotOf;

    /// <summary>Wall-clock time of the last sealed change, carried by the snapshot for the delivery-latency metric.</summary>
    private long _changedAtUnixMs;

    public PresenceDocument(string uid, UserPresenceState state, PresenceLimits limits, TimeProvider clock, ILogger logger)
    {
        _uid = uid;
        State = state;
        _limits = limits;
        _clock = clock;
        _logger = logger;
    }

    /// <summary>The record to store. Replaced (not edited back) by <see cref="Restore"/>.</summary>
    public UserPresenceState State { get; private set; }

    public long Version => State.Version;

    /// <summary>When <c>ext</c> is cleared because no resource is online; null when nothing is pending.</summary>
    public DateTimeOffset? ExtClearAt => State.ExtClearAt;

    public bool IsOnline
    {
        get
        {
            foreach (var resource in State.Resources.Values)
            {
                if (resource.Status != OfflineStatus)
                    return true;
            }
            return false;
        }
    }

    /// <summary>
    /// Online when any resource is; unlogined when none was ever seen or every one logged out explicitly; otherwise
    /// offline (lost, or set to "0" over REST).
    /// </summary>
    public PresenceStatusType StatusType
    {
        get
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
    }

    /// <summary>Whether any resource is online because a connection holds it (the connections check has work).</summary>
    public bool HasConnectedResources
    {
        get
        {
            foreach (var resource in State.Resources.Values)
            {
                if (resource.Connected)
                    return true;
            }
            return false;
        }
    }

    /// <summary>Whether <paramref name="resource"/> is online and held by a connection (a device of a lost activation).</summary>
    public bool IsHeldByConnection(string resource) =>
        State.Resources.TryGetValue(resource, out var state) && state.Connected && state.Status != OfflineStatus;

    public bool HasResource(string resource) => State.Resources.ContainsKey(resource);

    /// <summary>Resources online and held by a connection that no registered device holds: their process died.</summary>
    public List<string> OrphanedResources(Func<string, bool> hasDevice) =>
        State.Resources
            .Where(p => p.Value.Connected && p.Value.Status != OfflineStatus && !hasDevice(p.Key))
            .Select(p => p.Key)
            .ToList();

    /// <summary>Checks a REST status change before any work: statuses are never empty, and <c>ext</c> has a byte limit.</summary>
    public void ValidateStatus(string resource, string status, string? ext)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        ArgumentException.ThrowIfNullOrEmpty(status);
        if (ext is not null && Encoding.UTF8.GetByteCount(ext) > _limits.MaxExtBytes)
            throw new ArgumentException("ext is too big ", nameof(ext));
    }

    // ---- Changes: between Checkpoint and Seal ----

    /// <summary>
    /// A status (and <c>ext</c> when not null) set over REST; false, touching nothing, when both are as they are.
    /// A resource seen for the first time is recorded even as "0" (the vendors list offline resources that way);
    /// only a move to or from "0" of a known resource, or a first status other than "0", is a login.
    /// </summary>
    public bool SetStatus(string resource, string status, string? ext, bool heldByDevice)
    {
        var known = State.Resources.TryGetValue(resource, out var current);
        var statusChanged = !known || current!.Status != status;
        var extChanged = ext is not null && ext != State.Ext;
        if (!statusChanged && !extChanged)
            return false;
        if (statusChanged)
        {
            var login = known ? current!.Status == OfflineStatus || status == OfflineStatus : status != OfflineStatus;
            SetResource(resource, status, loggedOut: false, login, connected: status != OfflineStatus && heldByDevice);
        }
        if (extChanged)
            State.Ext = ext!;
        return true;
    }

    /// <summary>A device connected: every connection is a login, even onto a resource already online, so always a change.</summary>
    public bool Connect(string resource)
    {
        SetResource(resource, OnlineStatus, loggedOut: false, login: true, connected: true);
        return true;
    }

    /// <summary>A device's connection ended; false when the resource is already offline the same way.</summary>
    public bool Disconnect(string resource, bool logout)
    {
        if (!State.Resources.TryGetValue(resource, out var state) || (state.Status == OfflineStatus && state.LoggedOut == logout))
            return false;
        SetResource(resource, OfflineStatus, loggedOut: logout, login: state.Status != OfflineStatus, connected: false);
        return true;
    }

    /// <summary>Every resource goes offline, logged out (the user was deleted); false when all already were.</summary>
    public bool LogOutAll()
    {
        var changed = false;
        foreach (var resource in State.Resources.Keys.ToList())
            changed |= Disconnect(resource, logout: true);
        return changed;
    }

    /// <summary>Resources whose connections were lost go offline, as a missed heartbeat would have made them.</summary>
    public bool SetLost(IReadOnlyCollection<string> resources)
    {
        foreach (var resource in resources)
            SetResource(resource, OfflineStatus, loggedOut: false, login: true, connected: false);
        return resources.Count > 0;
    }

    /// <summary>
    /// Resources whose connection dropped and whose reconnect grace ended go offline as of the drop (<c>last_time</c>
    /// too); a resource no longer online and held by a connection (set over REST meanwhile, evicted) is left alone.
    /// </summary>
    public bool SetLostAt(IReadOnlyCollection<(string Resource, DateTimeOffset DroppedAt)> resources)
    {
        var changed = false;
        foreach (var (resource, droppedAt) in resources)
        {
            if (!IsHeldByConnection(resource))
                continue;
            SetResource(resource, OfflineStatus, loggedOut: false, login: true, connected: false, droppedAt);
            changed = true;
        }
        return changed;
    }

    /// <summary>The grace period ended: <c>ext</c> is cleared; false while it is not due (or was cancelled).</summary>
    public bool ClearExtIfDue()
    {
        if (State.ExtClearAt is not { } due || due > _clock.GetUtcNow())
            return false;
        State.Ext = "";
        return true;
    }

    /// <summary>Sets one resource; a <paramref name="login"/> (to or from "0", or a new connection) moves <c>last_time</c>.</summary>
    private void SetResource(string resource, string status, bool loggedOut, bool login, bool connected, DateTimeOffset? at = null)
    {
        var now = at ?? _clock.GetUtcNow();
        State.Resources[resource] = new ResourceState { Status = status, ChangedAt = now, LoggedOut = loggedOut, Connected = connected };
        if (login)
            State.LastTime = now.ToUnixTimeSeconds();
        EvictResourcesOverLimit(keep: resource);
    }

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
            LogResourceEvicted(_uid, victim);
        }
    }

    // ---- The change protocol ----

    /// <summary>What a change started from: restored when it cannot be made durable.</summary>
    public PresenceCheckpoint Checkpoint() => new(State.Clone(), IsOnline);

    /// <summary>
    /// Ends a change that touched the state: stamped, one version more, and the <c>ext</c> grace deadline moved.
    /// Returns whether a new grace deadline was set (its durable backstop goes before the write).
    /// </summary>
    public bool Seal(PresenceCheckpoint checkpoint)
    {
        // The real clock: the latency this starts spans processes (the grain's clock is the tests').
        _changedAtUnixMs = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        State.Version++;
        return UpdateExtGrace(checkpoint.WasOnline);
    }

    /// <summary>The change could not be made durable: back to what it started from.</summary>
    public void Restore(PresenceCheckpoint checkpoint) => State = checkpoint.Before;

    /// <summary>Whether the sealed change cancelled a pending grace deadline.</summary>
    public bool CancelledGrace(PresenceCheckpoint checkpoint) => checkpoint.Before.ExtClearAt is not null && State.ExtClearAt is null;

    /// <summary>
    /// Set when the last online resource just went offline with an <c>ext</c> to clear; dropped when a resource is online
    /// again or <c>ext</c> is empty; a pending deadline stays while the user stays offline. Zero grace clears at once.
    /// </summary>
    private bool UpdateExtGrace(bool wasOnline)
    {
        if (IsOnline || State.Ext.Length == 0)
        {
            State.ExtClearAt = null;
            return false;
        }
        if (!wasOnline)
            return false;
        if (_limits.ExtGracePeriod <= TimeSpan.Zero)
        {
            State.Ext = "";
            State.ExtClearAt = null;
            return false;
        }
        State.ExtClearAt = _clock.GetUtcNow() + _limits.ExtGracePeriod;
        return true;
    }

    /// <summary>
    /// The current state as an immutable snapshot, built once per change and shared by every read, event and answer
    /// until the next one. Keyed by the state object as well as its version: a restored change never shows.
    /// </summary>
    public PresenceSnapshot Snapshot()
    {
        if (_snapshot is { } cached && ReferenceEquals(_snapshotOf, State) && cached.Version == State.Version)
            return cached;
        var status = new Dictionary<string, string>(State.Resources.Count, StringComparer.Ordinal);
        foreach (var (resource, state) in State.Resources)
            status[resource] = state.Status;
        _snapshotOf = State;
        return _snapshot = new PresenceSnapshot(_uid, State.LastTime, State.Ext, status, State.Version, StatusType)
        {
            ChangedAtUnixMs = _changedAtUnixMs,
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Uid} evicted resource {Resource}: over the resource limit")]
    private partial void LogResourceEvicted(string uid, string resource);
}
