using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Presence.Grains;

namespace Presence.Api;

/// <summary>
/// The connections open on this process. It renews their leases with their grains every
/// <see cref="PresenceSocketOptions.LeaseRenewPeriod"/> (a process that dies stops renewing, and its devices go
/// offline), re-registers them with resync after a silo died or left (<see cref="SiloLossSignal"/>: their grains may
/// have moved and forgotten them), and when the host starts stopping closes each with 1001 (going away), so devices
/// reconnect elsewhere and the server does not wait for them until its shutdown timeout. Once a second (of the
/// injected clock) it closes the connections whose token expired: one timer for all, not one per connection.
/// </summary>
internal sealed class PresenceConnectionRegistry(
    IHostApplicationLifetime lifetime, IOptions<PresenceSocketOptions> options, SiloLossSignal siloLoss, TimeProvider clock) : BackgroundService
{
    private static readonly TimeSpan TokenSweepPeriod = TimeSpan.FromSeconds(1);

    // One round at once, then every ResyncInterval: the silo is declared dead (and its grains move) a few seconds after it is lost.
    private const int ResyncRounds = 4;

    private readonly ConcurrentDictionary<PresenceConnection, byte> _connections = new();
    private readonly ConcurrentDictionary<UserKey, PresenceConnection[]> _byUser = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private int _resyncRoundsLeft;
    private CancellationTokenRegistration _stopping;
    private ITimer? _tokenSweep;

    public int Count => _connections.Count;

    public IReadOnlyCollection<PresenceConnection> Connections => [.. _connections.Keys];

    /// <summary>The open connections of one user (its devices on this process); empty when none.</summary>
    public PresenceConnection[] ConnectionsOf(UserKey user) => _byUser.TryGetValue(user, out var connections) ? connections : [];

    public void Add(PresenceConnection connection)
    {
        if (_connections.TryAdd(connection, 0))
            _byUser.AddOrUpdate(connection.Key, static (_, c) => [c], static (_, existing, c) => [.. existing, c], connection);
    }

    public void Remove(PresenceConnection connection)
    {
        if (!_connections.TryRemove(connection, out _))
            return;
        // Copy on write: readers (the hub) enumerate an array that never changes under them.
        while (_byUser.TryGetValue(connection.Key, out var existing))
        {
            var remaining = Array.FindAll(existing, c => c != connection);
            var replaced = remaining.Length == 0
                ? _byUser.TryRemove(new KeyValuePair<UserKey, PresenceConnection[]>(connection.Key, existing))
                : _byUser.TryUpdate(connection.Key, remaining, existing);
            if (replaced)
                return;
        }
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _stopping = lifetime.ApplicationStopping.Register(static s => ((PresenceConnectionRegistry)s!).CloseAll(), this);
        siloLoss.Raised += OnSiloLost;
        _tokenSweep = clock.CreateTimer(static s => ((PresenceConnectionRegistry)s!).CloseExpiredTokens(), this, TokenSweepPeriod, TokenSweepPeriod);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        siloLoss.Raised -= OnSiloLost;
        if (_tokenSweep is not null)
            await _tokenSweep.DisposeAsync();
        CloseAll();
        await _stopping.DisposeAsync();
        await base.StopAsync(cancellationToken);
    }

    /// <summary>Renews every lease each period (real time); after a silo loss, a few quicker rounds with resync.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = Volatile.Read(ref _resyncRoundsLeft) > 0 ? settings.ResyncInterval : settings.LeaseRenewPeriod;
            try
            {
                await _wake.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var resync = DecrementIfPositive(ref _resyncRoundsLeft);
            foreach (var connection in _connections.Keys)
                connection.Renew(resync);
        }
    }

    private void OnSiloLost()
    {
        Volatile.Write(ref _resyncRoundsLeft, ResyncRounds);
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    private static bool DecrementIfPositive(ref int value)
    {
        while (true)
        {
            var current = Volatile.Read(ref value);
            if (current <= 0)
                return false;
            if (Interlocked.CompareExchange(ref value, current - 1, current) == current)
                return true;
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    private void CloseExpiredTokens()
    {
        var now = clock.GetUtcNow();
        foreach (var connection in _connections.Keys)
        {
            if (connection.TokenExpiresAt <= now)
                connection.Close(SocketCloseCodes.TokenExpired, "token expired");
        }
    }

    private void CloseAll()
    {
        foreach (var connection in _connections.Keys)
            connection.Close(SocketCloseCodes.GoingAway, "server shutting down");
    }
}
