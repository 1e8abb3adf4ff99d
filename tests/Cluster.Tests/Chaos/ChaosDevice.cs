using System.Text.Json.Nodes;

namespace Presence.Cluster.Tests;

/// <summary>
/// One device of a chaos run: a socket to some live process that watches a set of users, and that connects again
/// (to whichever process is alive) and subscribes again whenever its socket ends. Every frame of every connection is
/// kept, so the versions it was ever told can be checked against what is stored.
/// </summary>
public sealed class ChaosDevice(string username, IReadOnlyList<string> watched) : IAsyncDisposable
{
    private readonly List<SocketDevice> _connections = [];

    public string Username => username;

    /// <summary>How many times it connected again after its socket ended.</summary>
    public int Reconnects { get; private set; }

    public SocketDevice? Current => _connections.Count > 0 ? _connections[^1] : null;

    /// <summary>Presence events of every connection, in arrival order per connection.</summary>
    public IEnumerable<ReceivedFrame> Events => _connections.SelectMany(c => c.Frames).Where(f => f.Type == "presence");

    /// <summary>Connects (again) when it has no live socket; false when no process took it this time (tried again later).</summary>
    public async Task<bool> EnsureConnectedAsync(ClusterNode node)
    {
        if (Current is { Ended: false })
            return true;
        try
        {
            var socket = await SocketDevice.ConnectAsync(node, username, "phone", await node.Rest.UserTokenAsync(username));
            if (Current is not null)
                Reconnects++;
            _connections.Add(socket);
            await socket.SubscribeAsync(watched);
            return true;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return false; // the process went away meanwhile, or is not ready yet
        }
    }

    /// <summary>The versions of the watched users as this device's socket is told now (a <c>query</c>).</summary>
    public async Task<IReadOnlyDictionary<string, long>> QueryVersionsAsync()
    {
        var reply = await Current!.RequestOkAsync(new JsonObject
        {
            ["op"] = "query",
            ["users"] = new JsonArray([.. watched.Select(u => (JsonNode?)JsonValue.Create(u))]),
        });
        return reply.GetProperty("result").EnumerateArray().ToDictionary(
            item => item.GetProperty("uid").GetString()!, item => item.GetProperty("version").GetInt64(), StringComparer.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
            await connection.DisposeAsync();
    }
}
