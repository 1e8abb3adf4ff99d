using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;

namespace Presence.Orleans.Gateway;

/// <summary>
/// The connections open on this gateway. When the host starts stopping, each is closed with 1001 (going away),
/// so devices reconnect elsewhere and the server does not wait for them until its shutdown timeout.
/// </summary>
internal sealed class PresenceConnectionRegistry(IHostApplicationLifetime lifetime) : IHostedService
{
    private readonly ConcurrentDictionary<PresenceConnection, byte> _connections = new();
    private CancellationTokenRegistration _stopping;

    public int Count => _connections.Count;

    public IReadOnlyCollection<PresenceConnection> Connections => [.. _connections.Keys];

    public void Add(PresenceConnection connection) => _connections.TryAdd(connection, 0);

    public void Remove(PresenceConnection connection) => _connections.TryRemove(connection, out _);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _stopping = lifetime.ApplicationStopping.Register(static s => ((PresenceConnectionRegistry)s!).CloseAll(), this);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        CloseAll();
        _stopping.Dispose();
        return Task.CompletedTask;
    }

    private void CloseAll()
    {
        foreach (var connection in _connections.Keys)
            connection.Close(SocketCloseCodes.GoingAway, "server shutting down");
    }
}
