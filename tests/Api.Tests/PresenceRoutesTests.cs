using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Presence.Grains;
using System.Net;
using System.Text.Json;

namespace Presence.Api.Tests;

/// <summary>Happy paths of R1–R5 with exact field names and JSON types.</summary>
public sealed class PresenceRoutesTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private readonly GatewayClient _client = factory.CreateGatewayClient();

    private long Now => factory.Clock.GetUtcNow().ToUnixTimeSeconds();

    [Fact]
    public async Task SetPresence_ReturnsOk_AndGetPresenceShowsStatusExtAndLastTime()
    {
        var token = await _client.AppTokenAsync();
        var loginAt = Now;

        using var set = await _client.SetPresenceAsync(token, "r1user", "android_123", "1", "hello");
        await Api.AssertOkResultAsync(set);

        using var get = await _client.GetPresenceAsync(token, "viewer", "r1user");
        var json = await Api.ReadJsonAsync(get, HttpStatusCode.OK);
        Assert.Equal(["result"], Api.Names(json));
        var presence = Assert.Single(json.GetProperty("result").EnumerateArray());
        Assert.Equal(["uid", "last_time", "ext", "status"], Api.Names(presence));
        Assert.Equal("r1user", Api.Str(presence, "uid"));
        Assert.Equal(loginAt.ToString(), Api.Str(presence, "last_time"));
        Assert.Equal("hello", Api.Str(presence, "ext"));
        Assert.Equal(new Dictionary<string, string> { ["android_123"] = "1" }, Api.StatusMap(presence));
    }

    [Fact]
    public async Task SetPresence_RecordsTheResourceAsOffline_WhenItsFirstStatusIsZero()
    {
        var token = await _client.AppTokenAsync();

        using (var r = await _client.SetPresenceAsync(token, "first-zero", "android_42", "0"))
            await Api.AssertOkResultAsync(r);

        using var get = await _client.GetPresenceAsync(token, "viewer", "first-zero");
        var presence = (await Api.ReadJsonAsync(get, HttpStatusCode.OK)).GetProperty("result")[0];
        // Recorded as the seeds list offline devices; not a login or a logout, so last_time does not move.
        Assert.Equal("""{"uid":"first-zero","last_time":"0","ext":"","status":{"android_42":"0"}}""", presence.GetRawText());
    }

    [Fact]
    public async Task SetPresence_MovesLastTimeOnlyOnLoginAndLogout_WhenStatusesChange()
    {
        var token = await _client.AppTokenAsync();
        async Task<string> LastTimeAsync()
        {
            using var get = await _client.GetPresenceAsync(token, "viewer", "mover");
            return Api.Str((await Api.ReadJsonAsync(get, HttpStatusCode.OK)).GetProperty("result")[0], "last_time");
        }

        var login = Now;
        using (var r = await _client.SetPresenceAsync(token, "mover", "web", "1"))
            await Api.AssertOkResultAsync(r);
        Assert.Equal(login.ToString(), await LastTimeAsync());

        factory.Clock.Advance(TimeSpan.FromSeconds(10));
        using (var r = await _client.SetPresenceAsync(token, "mover", "web", "busy", "in a meeting"))
            await Api.AssertOkResultAsync(r);
        Assert.Equal(login.ToString(), await LastTimeAsync());

        factory.Clock.Advance(TimeSpan.FromSeconds(10));
        var logout = Now;
        using (var r = await _client.SetPresenceAsync(token, "mover", "web", "0"))
            await Api.AssertOkResultAsync(r);
        Assert.Equal(logout.ToString(), await LastTimeAsync());
    }

    [Fact]
    public async Task SetPresence_AcceptsEmptyExtAndCustomUnicodeStatus_WhenWithinLimits()
    {
        var token = await _client.AppTokenAsync();

        using var set = await _client.SetPresenceAsync(token, "custom", "ios_1", Uri.EscapeDataString("忙碌中"), new string('é', 32));
        await Api.AssertOkResultAsync(set);

        using var get = await _client.GetPresenceAsync(token, "viewer", "custom");
        var presence = (await Api.ReadJsonAsync(get, HttpStatusCode.OK)).GetProperty("result")[0];
        Assert.Equal("忙碌中", Api.StatusMap(presence)["ios_1"]);
        Assert.Equal(new string('é', 32), Api.Str(presence, "ext"));
    }

    [Fact]
    public async Task GetPresence_ReturnsEmptyState_WhenUserNeverSetStatus()
    {
        var token = await _client.AppTokenAsync();

        using var response = await _client.GetPresenceAsync(token, "viewer", "nobody-ever");

        var json = await Api.ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("""{"result":[{"uid":"nobody-ever","last_time":"0","ext":"","status":{}}]}""", json.GetRawText());
    }

    [Fact]
    public async Task GetPresence_ReturnsEachUserOnceInRequestOrder_WhenNamesRepeatInAnyCase()
    {
        var token = await _client.AppTokenAsync();

        using var response = await _client.GetPresenceAsync(token, "viewer", "Zed", "amy", "ZED", "zed", "Amy");

        var uids = (await Api.ReadJsonAsync(response, HttpStatusCode.OK)).GetProperty("result").EnumerateArray().Select(p => Api.Str(p, "uid"));
        Assert.Equal(["zed", "amy"], uids);
    }

    [Fact]
    public async Task Subscribe_ReturnsTargetsPresenceAndAbsoluteExpiry_AsStrings()
    {
        var token = await _client.AppTokenAsync();
        using (var r = await _client.SetPresenceAsync(token, "sub-target", "android", "1", "ext1"))
            await Api.AssertOkResultAsync(r);
        var expectedExpiry = Now + 1000;

        using var response = await _client.SubscribeAsync(token, "sub-owner", 1000, "sub-target", "sub-fresh");

        var json = await Api.ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(["result"], Api.Names(json)); // no "failed" when no target was full
        var result = json.GetProperty("result").EnumerateArray().ToList();
        Assert.Equal(2, result.Count);
        foreach (var entry in result)
        {
            Assert.Equal(["uid", "last_time", "expiry", "ext", "status"], Api.Names(entry));
            Assert.Equal(expectedExpiry.ToString(), Api.Str(entry, "expiry"));
            Api.Str(entry, "last_time");
        }
        Assert.Equal("sub-target", Api.Str(result[0], "uid"));
        Assert.Equal("ext1", Api.Str(result[0], "ext"));
        Assert.Equal(new Dictionary<string, string> { ["android"] = "1" }, Api.StatusMap(result[0]));
        Assert.Equal("sub-fresh", Api.Str(result[1], "uid"));
        Assert.Equal("0", Api.Str(result[1], "last_time"));
        Assert.Empty(Api.StatusMap(result[1]));
    }

    [Fact]
    public async Task Subscribe_ReplacesExpiry_WhenSubscribingAgain()
    {
        var token = await _client.AppTokenAsync();
        using (var r = await _client.SubscribeAsync(token, "renewer", 100, "renewed"))
            await Api.ReadJsonAsync(r, HttpStatusCode.OK);

        using var again = await _client.SubscribeAsync(token, "renewer", 5000, "renewed");
        await Api.ReadJsonAsync(again, HttpStatusCode.OK);

        using var list = await _client.GetSubscriptionsAsync(token, "renewer", "?pageSize=10");
        var result = (await Api.ReadJsonAsync(list, HttpStatusCode.OK)).GetProperty("result");
        Assert.Equal("1", Api.Str(result, "totalnum"));
        Assert.Equal((Now + 5000).ToString(), Api.Str(result.GetProperty("sublist")[0], "expiry"));
    }

    [Fact]
    public async Task GetSubscriptions_PagesOrderedByUid_WithEasemobShape()
    {
        var token = await _client.AppTokenAsync();
        using (var r = await _client.SubscribeAsync(token, "pager", 600, "p-c", "p-a", "p-d", "p-b", "p-e"))
            await Api.ReadJsonAsync(r, HttpStatusCode.OK);

        using var page2 = await _client.GetSubscriptionsAsync(token, "pager", "?pageNum=2&pageSize=2");
        var json = await Api.ReadJsonAsync(page2, HttpStatusCode.OK);

        Assert.Equal(["result"], Api.Names(json));
        var result = json.GetProperty("result");
        Assert.Equal(["totalnum", "sublist"], Api.Names(result));
        Assert.Equal("5", Api.Str(result, "totalnum"));
        var sublist = result.GetProperty("sublist").EnumerateArray().ToList();
        Assert.All(sublist, s => Assert.Equal(["uid", "expiry"], Api.Names(s)));
        Assert.Equal(["p-c", "p-d"], sublist.Select(s => Api.Str(s, "uid")));
        Assert.All(sublist, s => Assert.Equal((Now + 600).ToString(), Api.Str(s, "expiry")));
    }

    [Fact]
    public async Task GetSubscriptions_ReturnsOneItem_WhenPageParametersAreAbsent()
    {
        var token = await _client.AppTokenAsync();
        using (var r = await _client.SubscribeAsync(token, "defaults", 600, "d-b", "d-a"))
            await Api.ReadJsonAsync(r, HttpStatusCode.OK);

        using var response = await _client.GetSubscriptionsAsync(token, "defaults");

        var result = (await Api.ReadJsonAsync(response, HttpStatusCode.OK)).GetProperty("result");
        Assert.Equal("2", Api.Str(result, "totalnum"));
        Assert.Equal("d-a", Api.Str(Assert.Single(result.GetProperty("sublist").EnumerateArray()), "uid"));
    }

    [Fact]
    public async Task GetSubscriptions_ReturnsEmptyPage_WhenPageIsPastTheEnd()
    {
        var token = await _client.AppTokenAsync();
        using (var r = await _client.SubscribeAsync(token, "pastend", 600, "x1"))
            await Api.ReadJsonAsync(r, HttpStatusCode.OK);

        using var response = await _client.GetSubscriptionsAsync(token, "pastend", "?pageNum=2147483647&pageSize=500");

        var json = await Api.ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("""{"result":{"totalnum":"1","sublist":[]}}""", json.GetRawText());
    }

    [Fact]
    public async Task GetSubscriptions_OmitsSubscription_WhenItsExpiryHasPassed()
    {
        var token = await _client.AppTokenAsync();
        using (var r = await _client.SubscribeAsync(token, "watcher-exp", 30, "short"))
            await Api.ReadJsonAsync(r, HttpStatusCode.OK);
        using (var r = await _client.SubscribeAsync(token, "watcher-exp", 3000, "long"))
            await Api.ReadJsonAsync(r, HttpStatusCode.OK);

        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        token = await _client.AppTokenAsync();

        using var response = await _client.GetSubscriptionsAsync(token, "watcher-exp", "?pageSize=10");
        var result = (await Api.ReadJsonAsync(response, HttpStatusCode.OK)).GetProperty("result");
        Assert.Equal("1", Api.Str(result, "totalnum"));
        Assert.Equal("long", Api.Str(Assert.Single(result.GetProperty("sublist").EnumerateArray()), "uid"));
    }

    [Theory]
    [InlineData("""["u-b"]""")]
    [InlineData("""{"users":["u-b"]}""")]
    [InlineData("""{"users":["U-B","u-b","never-subscribed"]}""")]
    public async Task Unsubscribe_RemovesListedUsers_WhenBodyIsArrayOrUsersObject(string body)
    {
        var token = await _client.AppTokenAsync();
        var owner = $"unsub-{Guid.NewGuid():N}"[..20];
        using (var r = await _client.SubscribeAsync(token, owner, 600, "u-a", "u-b"))
            await Api.ReadJsonAsync(r, HttpStatusCode.OK);

        using var response = await _client.SendAsync(HttpMethod.Delete, $"users/{owner}/presence", token, body);
        await Api.AssertOkResultAsync(response);

        using var list = await _client.GetSubscriptionsAsync(token, owner, "?pageSize=10");
        var result = (await Api.ReadJsonAsync(list, HttpStatusCode.OK)).GetProperty("result");
        Assert.Equal(["u-a"], result.GetProperty("sublist").EnumerateArray().Select(s => Api.Str(s, "uid")));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""{"users":[]}""")]
    public async Task Unsubscribe_RemovesAllSubscriptions_WhenListIsEmpty(string body)
    {
        var token = await _client.AppTokenAsync();
        var owner = $"unsuball-{Guid.NewGuid():N}"[..20];
        using (var r = await _client.SubscribeAsync(token, owner, 600, "a1", "a2", "a3"))
            await Api.ReadJsonAsync(r, HttpStatusCode.OK);

        using var response = await _client.SendAsync(HttpMethod.Delete, $"users/{owner}/presence", token, body);
        await Api.AssertOkResultAsync(response);

        using var list = await _client.GetSubscriptionsAsync(token, owner, "?pageSize=10");
        Assert.Equal("""{"result":{"totalnum":"0","sublist":[]}}""", (await Api.ReadJsonAsync(list, HttpStatusCode.OK)).GetRawText());
    }

    [Fact]
    public async Task Unsubscribe_Returns400AndKeepsSubscriptions_WhenBodyIsMissing()
    {
        var token = await _client.AppTokenAsync();
        using (var r = await _client.SubscribeAsync(token, "keeper", 600, "kept"))
            await Api.ReadJsonAsync(r, HttpStatusCode.OK);

        using var response = await _client.SendAsync(HttpMethod.Delete, "users/keeper/presence", token);
        await Api.AssertIllegalArgumentAsync(response, "users is required");

        using var list = await _client.GetSubscriptionsAsync(token, "keeper");
        Assert.Equal("1", Api.Str((await Api.ReadJsonAsync(list, HttpStatusCode.OK)).GetProperty("result"), "totalnum"));
    }

    [Fact]
    public async Task Usernames_AreCaseInsensitiveAndReturnedLowerCase_OnEveryRoute()
    {
        var token = await _client.AppTokenAsync();
        using (var r = await _client.SetPresenceAsync(token, "MiXeD.Case", "web", "1", "x"))
            await Api.AssertOkResultAsync(r);

        using var subscribe = await _client.SubscribeAsync(token, "Big.Watcher", 600, "MIXED.CASE", "mixed.case");
        var subscribed = (await Api.ReadJsonAsync(subscribe, HttpStatusCode.OK)).GetProperty("result");
        Assert.Equal("mixed.case", Api.Str(Assert.Single(subscribed.EnumerateArray()), "uid"));
        Assert.Equal("1", Api.StatusMap(subscribed[0])["web"]);

        using var list = await _client.GetSubscriptionsAsync(token, "big.watcher");
        var sublist = (await Api.ReadJsonAsync(list, HttpStatusCode.OK)).GetProperty("result").GetProperty("sublist");
        Assert.Equal("mixed.case", Api.Str(sublist[0], "uid"));

        using (var r = await _client.UnsubscribeAsync(token, "BIG.WATCHER", "Mixed.Case"))
            await Api.AssertOkResultAsync(r);
        using var after = await _client.GetSubscriptionsAsync(token, "big.watcher");
        Assert.Equal("0", Api.Str((await Api.ReadJsonAsync(after, HttpStatusCode.OK)).GetProperty("result"), "totalnum"));
    }

    [Fact]
    public async Task Subscribe_ShowsTargetWatchers_WhenReadThroughTheGrainFactory()
    {
        var token = await _client.AppTokenAsync();

        using (var r = await _client.SubscribeAsync(token, "fan1", 600, "star"))
            await Api.ReadJsonAsync(r, HttpStatusCode.OK);

        var grains = factory.Services.GetRequiredService<IGrainFactory>();
        var watchers = await grains.GetUserGrain(Grains.UserKey.Create("demo", "demo", "star")).GetWatchersAsync();
        Assert.Equal("fan1", Assert.Single(watchers).Uid);
    }
}
