using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Presence.Silo.Tests;

/// <summary>
/// The real-time paths on PostgreSQL with a real silo process: the grace period that clears <c>ext</c> survives
/// a crash (its reminder is durable), and an expiring subscription reaches a connected device as
/// <c>subscription_ended</c> and has its row deleted.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RealtimePersistenceTests(PostgresFixture fixture, ITestOutputHelper output) : SiloTestBase(fixture, output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Nobody reads alice after the restart, so no activation can re-arm an in-memory timer: only the durable grace
    /// reminder, loaded by the new silo, wakes her grain to clear <c>ext</c>. The stored state is read from the database.
    /// </summary>
    [Fact]
    public async Task ExtGrace_ClearsExtAfterACrash_WhenTheLastDeviceWentOfflineBeforeTheSiloDied()
    {
        // Longer than a restart (2–5 s here), so the new silo is up before the reminder is due.
        var grace = TimeSpan.FromSeconds(10);
        var settings = new Dictionary<string, string> { ["Presence:Limits:ExtGracePeriod"] = grace.ToString() };
        var database = await NewDatabaseAsync();
        var silo = await StartSiloAsync(database, settings);
        using (var socket = await ConnectAsync(silo, "alice", "web_1"))
        {
            await silo.Client.SetPresenceAsync("alice", "web_1", "1", "in a meeting");
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        }
        var offlineBy = DateTimeOffset.UtcNow;
        await Eventually.TrueAsync(async () => (await silo.Client.GetPresenceAsync("alice")).Status["web_1"] == "0", Deadline, "device offline");
        Assert.Equal("in a meeting", (await silo.Client.GetPresenceAsync("alice")).Ext);

        // The silo dies inside the grace period; only the durable reminder can finish the job.
        silo = await KillAndRestartAsync(silo);
        Assert.Equal("in a meeting", (await database.StateOfAsync("alice"))?["Ext"]?.GetValue<string>());

        await Eventually.TrueAsync(
            async () => (await database.StateOfAsync("alice"))?["Ext"]?.GetValue<string>() == "",
            ReminderTiming.BoundFor(offlineBy + grace),
            "ext cleared in storage by the grace reminder");
        Output.WriteLine($"ext cleared {(DateTimeOffset.UtcNow - offlineBy - grace).TotalSeconds:0.0} s after the grace period ended");
        var presence = await silo.Client.GetPresenceAsync("alice");
        Assert.Equal("", presence.Ext);
        Assert.Equal("0", presence.Status["web_1"]);
    }

    [Fact]
    public async Task ExpiringSubscription_SendsSubscriptionEndedAndDeletesItsRow_OnPostgres()
    {
        var silo = await StartSiloAsync(await NewDatabaseAsync());
        using var socket = await ConnectAsync(silo, "alice", "web_1");

        await SendAsync(socket, new JsonObject { ["id"] = 1, ["op"] = "subscribe", ["users"] = new JsonArray("bob"), ["expiry"] = 2 });
        var reply = await ReceiveAsync(socket, f => f["type"]?.GetValue<string>() == "reply");
        Assert.Equal("bob", reply["result"]![0]!["uid"]!.GetValue<string>());
        Assert.Single(await silo.Database.SubscriptionRowsOfAsync("alice"));

        var ended = await ReceiveAsync(socket, f => f["type"]?.GetValue<string>() == "subscription_ended");

        Assert.Equal("bob", ended["uid"]!.GetValue<string>());
        Assert.Equal("expired", ended["reason"]!.GetValue<string>());
        await Eventually.TrueAsync(async () => (await silo.Database.SubscriptionRowsOfAsync("alice")).Count == 0, Deadline, "expired row deleted");
    }

    private static async Task<ClientWebSocket> ConnectAsync(SiloProcess silo, string username, string resource)
    {
        var token = await silo.Client.IssueUserTokenAsync(username);
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        var uri = new Uri($"ws://127.0.0.1:{silo.Port}/{PresenceClient.Org}/{PresenceClient.App}/ws?resource={resource}");
        await socket.ConnectAsync(uri, new CancellationTokenSource(Deadline).Token);
        return socket;
    }

    private static Task SendAsync(ClientWebSocket socket, JsonObject frame) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(frame.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Reads frames until one matches, within the deadline.</summary>
    private static async Task<JsonNode> ReceiveAsync(ClientWebSocket socket, Func<JsonNode, bool> match)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, timeout.Token);
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);
            Assert.NotEqual(WebSocketMessageType.Close, result.MessageType);
            var frame = JsonNode.Parse(message.ToArray())!;
            if (match(frame))
                return frame;
        }
    }
}
