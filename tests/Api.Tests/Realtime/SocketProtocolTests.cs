using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Presence.Api.Tests.SocketClient;

namespace Presence.Api.Tests;

/// <summary>Requests over the socket: replies with the request id, per-user failures, limits, malformed frames.</summary>
public sealed class SocketProtocolTests(SocketGatewayFactory factory) : IClassFixture<SocketGatewayFactory>
{
    private static void AssertReply(JsonElement reply, string op)
    {
        Assert.True(Type(reply) == "reply", $"expected a reply, got {reply}");
        Assert.Equal(["type", "id", "op", "result", "failed"], Api.Names(reply));
        Assert.Equal(op, Api.Str(reply, "op"));
    }

    private static void AssertError(JsonElement frame, string? id, string error, string description)
    {
        Assert.True(Type(frame) == "error", $"expected an error, got {frame}");
        if (id is null)
            Assert.Equal(JsonValueKind.Null, frame.GetProperty("id").ValueKind);
        else
            Assert.Equal(id, frame.GetProperty("id").GetString());
        Assert.Equal(error, Api.Str(frame, "error"));
        Assert.Equal(description, Api.Str(frame, "error_description"));
    }

    private static Dictionary<string, string> Failed(JsonElement reply) =>
        reply.GetProperty("failed").EnumerateArray().ToDictionary(f => f.GetProperty("uid").GetString() ?? "(null)", f => Api.Str(f, "error_description"));

    [Fact]
    public async Task Query_ReturnsEachUsersPresenceAndListsIllegalNamesAsFailed()
    {
        await factory.SetPresenceAsync("q.b", "web", "1", "hi");
        await using var client = await factory.ConnectAsync("q.a", "web_1");

        var reply = await client.RequestAsync(Op("query", ("users", Users(["Q.B", "q.nobody", "bad name", "q.b"]))));

        AssertReply(reply, "query");
        var result = reply.GetProperty("result").EnumerateArray().ToList();
        Assert.Equal(["q.b", "q.nobody"], result.Select(p => Api.Str(p, "uid")));
        Assert.Equal(["uid", "status_type", "status", "ext", "last_time", "version"], Api.Names(result[0]));
        Assert.Equal("hi", Api.Str(result[0], "ext"));
        Assert.Equal("unlogined", Api.Str(result[1], "status_type"));
        Assert.Equal("0", Api.Str(result[1], "last_time"));
        Assert.Equal(new Dictionary<string, string> { ["bad name"] = "username is not legal: 1-64 characters of A-Z a-z 0-9 _ - ." }, Failed(reply));
        Assert.Equal("illegal_argument", Api.Str(reply.GetProperty("failed")[0], "error"));
    }

    [Fact]
    public async Task Query_IsRefusedAsAWhole_WhenOver500Users()
    {
        await using var client = await factory.ConnectAsync("q.many", "web_1");

        var ok = await client.RequestAsync(Op("query", ("users", Users(Enumerable.Range(0, 500).Select(i => $"u{i}")))));
        var id = await client.SendRequestAsync(Op("query", ("users", Users(Enumerable.Range(0, 501).Select(i => $"u{i}")))));
        var tooMany = await client.ReplyToAsync(id);

        Assert.Equal(500, ok.GetProperty("result").GetArrayLength());
        AssertError(tooMany, id, "illegal_argument", "too many get presences");
        Assert.Equal("query", Api.Str(tooMany, "op"));
    }

    [Fact]
    public async Task Subscribe_SubscribesValidUsersAndListsSelfAndIllegalNamesAsFailed()
    {
        await using var client = await factory.ConnectAsync("s.a", "web_1");
        var expiresAt = factory.Clock.GetUtcNow().ToUnixTimeSeconds() + 600;

        var reply = await client.RequestAsync(Op("subscribe", ("users", Users(["s.b", "S.A", "no way", "s.c"])), ("expiry", 600)));

        AssertReply(reply, "subscribe");
        var result = reply.GetProperty("result").EnumerateArray().ToList();
        Assert.Equal(["s.b", "s.c"], result.Select(p => Api.Str(p, "uid")));
        Assert.Equal(["uid", "status_type", "status", "ext", "last_time", "version", "expiry"], Api.Names(result[0]));
        Assert.Equal(expiresAt.ToString(), Api.Str(result[0], "expiry"));
        Assert.Equal(new Dictionary<string, string>
        {
            ["s.a"] = "you can't sub yourself",
            ["no way"] = "username is not legal: 1-64 characters of A-Z a-z 0-9 _ - .",
        }, Failed(reply));
        using var sublist = await factory.Rest().GetSubscriptionsAsync(await factory.AppTokenAsync(), "s.a", "?pageSize=10");
        Assert.Equal("2", (await Api.ReadJsonAsync(sublist, HttpStatusCode.OK)).GetProperty("result").GetProperty("totalnum").GetString());
    }

    [Theory]
    [InlineData("""{"op":"subscribe","users":["x"]}""", "expiry must be an integer from 1 to 2592000")]
    [InlineData("""{"op":"subscribe","users":["x"],"expiry":0}""", "expiry must be an integer from 1 to 2592000")]
    [InlineData("""{"op":"subscribe","users":["x"],"expiry":2592001}""", "expiry must be an integer from 1 to 2592000")]
    [InlineData("""{"op":"subscribe","users":[],"expiry":60}""", "users must not be empty")]
    [InlineData("""{"op":"query"}""", "users must not be empty")]
    [InlineData("""{"op":"set_status"}""", "status or ext is required")]
    [InlineData("""{"op":"set_status","status":"0"}""", "status is not legal: 1-64 UTF-8 bytes other than \"0\" (log out to go offline)")]
    [InlineData("""{"op":"set_status","ext":"12345678901234567890123456789012345678901234567890123456789012345"}""", "ext is too big ")]
    public async Task Request_GetsAnErrorWithItsId_WhenAnArgumentIsIllegal(string request, string description)
    {
        await using var client = await factory.ConnectAsync("args", "web_1");

        var reply = await client.RequestAsync(JsonNode.Parse(request)!.AsObject());

        AssertError(reply, reply.GetProperty("id").GetString(), "illegal_argument", description);
        Assert.Equal(WebSocketState.Open, client.State);
    }

    [Fact]
    public async Task SubscribeAndUnsubscribe_AreRefusedAsAWhole_WhenOver100Users()
    {
        await using var client = await factory.ConnectAsync("many.sub", "web_1");
        var users = Users(Enumerable.Range(0, 101).Select(i => $"u{i}"));

        var subscribe = await client.RequestAsync(Op("subscribe", ("users", users), ("expiry", 60)));
        var unsubscribe = await client.RequestAsync(Op("unsubscribe", ("users", Users(Enumerable.Range(0, 101).Select(i => $"u{i}")))));

        AssertError(subscribe, subscribe.GetProperty("id").GetString(), "illegal_argument", "too many sub presence");
        AssertError(unsubscribe, unsubscribe.GetProperty("id").GetString(), "illegal_argument", "too many unsub presences");
    }

    [Fact]
    public async Task Unsubscribe_RemovesTheListedOnes_AndAllOfThem_WhenTheListIsEmptyOrAbsent()
    {
        await using var client = await factory.ConnectAsync("u.a", "web_1");
        await client.RequestAsync(Op("subscribe", ("users", Users(["u.b", "u.c", "u.d"])), ("expiry", 600)));
        var token = await factory.AppTokenAsync();
        async Task<string> TotalAsync()
        {
            using var sublist = await factory.Rest().GetSubscriptionsAsync(token, "u.a", "?pageSize=10");
            return (await Api.ReadJsonAsync(sublist, HttpStatusCode.OK)).GetProperty("result").GetProperty("totalnum").GetString()!;
        }

        var some = await client.RequestAsync(Op("unsubscribe", ("users", Users(["u.b", "bad name", "u.unknown"]))));
        var afterSome = await TotalAsync();
        var onlyBad = await client.RequestAsync(Op("unsubscribe", ("users", Users(["bad name"]))));
        var afterOnlyBad = await TotalAsync();
        var all = await client.RequestAsync(Op("unsubscribe"));

        AssertReply(some, "unsubscribe");
        Assert.Equal("ok", some.GetProperty("result").GetString());
        Assert.Equal(["bad name"], Failed(some).Keys);
        Assert.Equal("2", afterOnlyBad);
        Assert.Equal("2", afterSome);
        Assert.Equal(["bad name"], Failed(onlyBad).Keys);
        AssertReply(all, "unsubscribe");
        Assert.Equal("0", await TotalAsync());
    }

    [Fact]
    public async Task Operations_AreLimitedTo20Per5SecondsPerConnection_ButSettingOwnStatusIsNot()
    {
        await using var client = await factory.ConnectAsync("limited", "web_1");
        await using var otherDevice = await factory.ConnectAsync("limited", "ios_1");
        for (var i = 0; i < 20; i++)
            AssertReply(await client.RequestAsync(Op(i % 2 == 0 ? "query" : "unsubscribe", ("users", Users(["x"])))), i % 2 == 0 ? "query" : "unsubscribe");

        var limited = await client.RequestAsync(Op("subscribe", ("users", Users(["x"])), ("expiry", 60)));
        var status = await client.RequestAsync(Op("set_status", ("ext", "still allowed")));
        var self = await client.RequestAsync(Op("query", ("users", Users(["limited"]))));
        var other = await otherDevice.RequestAsync(Op("query", ("users", Users(["x"]))));
        factory.Clock.Advance(TimeSpan.FromSeconds(5));
        var afterWindow = await client.RequestAsync(Op("query", ("users", Users(["x"]))));

        AssertError(limited, limited.GetProperty("id").GetString(), "reach_limit", "This request has reached api limit");
        Assert.InRange(limited.GetProperty("retry_after").GetInt64(), 1, 5);
        AssertReply(status, "set_status");
        AssertReply(self, "query");
        AssertReply(other, "query");
        AssertReply(afterWindow, "query");
        Assert.Equal(WebSocketState.Open, client.State);
    }

    [Theory]
    [InlineData("not json", null, "frame is not valid JSON")]
    [InlineData("[1,2]", null, "frame must be a JSON object")]
    [InlineData("""{"op":"query","users":["a"]}""", null, "id is required: a number or a string of 1-64 characters")]
    [InlineData("""{"id":{"x":1},"op":"query"}""", null, "id is required: a number or a string of 1-64 characters")]
    [InlineData("""{"id":"k1","op":"dance"}""", "k1", "op must be one of set_status, query, subscribe, unsubscribe, logout, contacts")]
    [InlineData("""{"id":"k2","op":"query","users":"a"}""", "k2", "Request body is not valid JSON or has fields of the wrong type")]
    [InlineData("""{"id":"k3","op":"subscribe","users":["a"],"expiry":"60"}""", "k3", "Request body is not valid JSON or has fields of the wrong type")]
    public async Task MalformedFrame_GetsAnErrorAndTheConnectionStaysUsable(string frame, string? id, string description)
    {
        await using var client = await factory.ConnectAsync("garbage", "web_1");

        await client.SendTextAsync(frame);
        var error = await client.WaitForAsync(f => Type(f) == "error");
        var next = await client.RequestAsync(Op("query", ("users", Users(["garbage"]))));

        AssertError(error, id, "illegal_argument", description);
        AssertReply(next, "query");
    }

    [Fact]
    public async Task Connection_IsClosedWith1008_WhenFiveMalformedFramesComeInARow_AndOthersAreUnaffected()
    {
        await using var bystander = await factory.ConnectAsync("bystander", "web_1");
        await using var client = await factory.ConnectAsync("spammer", "web_1");
        // A good frame between bad ones resets the count.
        for (var i = 0; i < 4; i++)
            await client.SendTextAsync("{");
        AssertReply(await client.RequestAsync(Op("query", ("users", Users(["x"])))), "query");

        for (var i = 0; i < 5; i++)
            await client.SendTextAsync("{");
        await client.WaitForEndAsync();

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);
        Assert.Equal(9, client.Frames.Count(f => Type(f) == "error")); // each bad frame was answered before the close
        AssertReply(await bystander.RequestAsync(Op("query", ("users", Users(["spammer"])))), "query");
        await factory.WaitForStatusAsync("spammer", "web_1", "0");
    }

    [Fact]
    public async Task Connection_IsClosedWith1003_WhenTheClientSendsABinaryFrame()
    {
        await using var client = await factory.ConnectAsync("binary", "web_1");

        await client.SendBinaryAsync([1, 2, 3]);
        await client.WaitForEndAsync();

        Assert.Equal(WebSocketCloseStatus.InvalidMessageType, client.CloseStatus);
        await factory.WaitForStatusAsync("binary", "web_1", "0");
    }

    [Fact]
    public async Task Connection_IsClosedWith1009_WhenAMessageIsOverTheSizeLimit()
    {
        await using var client = await factory.ConnectAsync("oversized", "web_1");

        await client.SendTextAsync($$"""{"id":"big","op":"query","users":["{{new string('a', 70 * 1024)}}"]}""");
        await client.WaitForEndAsync();

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, client.CloseStatus);
    }

    [Fact]
    public async Task NumericRequestIds_AreEchoedAsNumbers()
    {
        await using var client = await factory.ConnectAsync("numeric", "web_1");

        await client.SendTextAsync("""{"id":42,"op":"query","users":["numeric"]}""");
        var reply = await client.WaitForAsync(f => Type(f) == "reply");

        Assert.Equal(42, reply.GetProperty("id").GetInt32());
    }
}
