using System.Net;
using System.Text.Json;
using static Presence.Api.Tests.SocketClient;

namespace Presence.Api.Tests;

/// <summary>The contacts routes, the socket's contacts and friends query, friend status notification and deletion.</summary>
public sealed class ContactsApiTests(AccountsFactory factory) : IClassFixture<AccountsFactory>
{
    private const string App = SocketGatewayFactory.App;
    private const string Friends = "friends";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    private async Task<HttpResponseMessage> ContactAsync(HttpMethod method, string owner, string friend, string app = App, string? token = null) =>
        await factory.Rest(app).SendAsync(method, $"users/{owner}/contacts/users/{friend}", token ?? await factory.AppTokenOfAsync(app));

    private async Task<string[]> ListAsync(string owner, string app = App)
    {
        using var response = await factory.Rest(app).SendAsync(HttpMethod.Get, $"users/{owner}/contacts/users", await factory.AppTokenOfAsync(app));
        var json = await Api.ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("get", Api.Str(json, "action"));
        Assert.Equal(json.GetProperty("data").GetArrayLength(), json.GetProperty("count").GetInt32());
        return [.. json.GetProperty("data").EnumerateArray().Select(e => e.GetString()!)];
    }

    private static Func<JsonElement, bool> EventOf(string uid, Func<JsonElement, bool>? and = null) =>
        f => Type(f) == "presence" && f.GetProperty("uid").GetString() == uid && (and is null || and(f));

    [Fact]
    public async Task AddContact_AddsBothDirections_WithEasemobsAnswer_AndIsIdempotent()
    {
        using (var response = await ContactAsync(HttpMethod.Post, "c.owner", "C.Friend"))
        {
            var json = await Api.ReadJsonAsync(response, HttpStatusCode.OK);
            Assert.Equal("post", Api.Str(json, "action"));
            Assert.Equal("c.friend", Api.Str(Assert.Single(json.GetProperty("entities").EnumerateArray()), "username"));
        }
        using (var again = await ContactAsync(HttpMethod.Post, "c.owner", "c.friend"))
            await Api.ReadJsonAsync(again, HttpStatusCode.OK);
        Assert.Equal(["c.friend"], await ListAsync("c.owner"));
        Assert.Equal(["c.owner"], await ListAsync("c.friend"));

        using (var removed = await ContactAsync(HttpMethod.Delete, "c.friend", "c.owner"))
            Assert.Equal("delete", Api.Str(await Api.ReadJsonAsync(removed, HttpStatusCode.OK), "action"));
        Assert.Empty(await ListAsync("c.owner"));
        Assert.Empty(await ListAsync("c.friend"));
        using var gone = await ContactAsync(HttpMethod.Delete, "c.friend", "c.owner");
        await Api.AssertErrorAsync(gone, HttpStatusCode.NotFound, "service_resource_not_found");
    }

    [Fact]
    public async Task AddContact_RefusesYourselfABadNameAndAnotherUsersToken()
    {
        using (var self = await ContactAsync(HttpMethod.Post, "c.me", "C.ME"))
            await Api.AssertIllegalArgumentAsync(self, ContactsApi.AddYourself);
        using (var bad = await ContactAsync(HttpMethod.Post, "c.me", "bad name"))
            await Api.AssertIllegalArgumentAsync(bad, "username [bad name] is not legal");
        using (var other = await ContactAsync(HttpMethod.Post, "c.me", "c.you", token: await factory.UserTokenAsync("c.them")))
            await Api.AssertErrorAsync(other, HttpStatusCode.Forbidden, "forbidden");
        using var own = await ContactAsync(HttpMethod.Post, "c.me", "c.you", token: await factory.UserTokenAsync("c.me"));
        await Api.ReadJsonAsync(own, HttpStatusCode.OK);
    }

    [Fact]
    public async Task AUser_CanHave3000Friends_AndThe3001stIsRefused()
    {
        var owner = "c.popular";
        var friends = Enumerable.Range(0, 3000).Select(i => $"c.fan{i:D4}").ToArray();
        var token = await factory.AppTokenAsync();
        foreach (var chunk in friends.Chunk(50))
            await Task.WhenAll(chunk.Select(async f => { using var r = await ContactAsync(HttpMethod.Post, owner, f, token: token); Assert.Equal(HttpStatusCode.OK, r.StatusCode); }));
        Assert.Equal(3000, (await ListAsync(owner)).Length);
        using var over = await ContactAsync(HttpMethod.Post, owner, "c.fan3000", token: token);
        await Api.AssertErrorAsync(over, HttpStatusCode.Forbidden, "forbidden_op", "user c.popular has reached the contacts limit of 3000");
        using var reverse = await ContactAsync(HttpMethod.Post, "c.fan3000", owner, token: token);
        await Api.AssertErrorAsync(reverse, HttpStatusCode.Forbidden, "forbidden_op", "user c.popular has reached the contacts limit of 3000");
    }

    [Fact]
    public async Task Socket_ListsContacts_AndPagesTheFriendsPresences()
    {
        foreach (var friend in new[] { "s.b", "s.c", "s.d" })
            (await ContactAsync(HttpMethod.Post, "s.a", friend)).Dispose();
        await factory.SetPresenceAsync("s.c", "web", "busy");
        await using var device = await factory.ConnectAsync("s.a", "web");
        var contacts = await device.RequestAsync(Op("contacts"));
        Assert.Equal(new[] { "s.b", "s.c", "s.d" }, contacts.GetProperty("result").EnumerateArray().Select(e => e.GetString()!).ToArray());

        var page = await device.RequestAsync(Op("query", ("friends", true), ("page", 1), ("page_size", 2)));
        var result = page.GetProperty("result");
        Assert.Equal(3, result.GetProperty("total").GetInt32());
        Assert.Equal(["s.b", "s.c"], result.GetProperty("presences").EnumerateArray().Select(p => Api.Str(p, "uid")).ToArray());
        var second = (await device.RequestAsync(Op("query", ("friends", true), ("page", 2), ("page_size", 2)))).GetProperty("result");
        Assert.Equal("s.d", Api.Str(Assert.Single(second.GetProperty("presences").EnumerateArray()), "uid"));
    }

    [Fact]
    public async Task FriendNotification_SendsFriendsEventsWithoutSubscribing_BothWays_AndRemovalStopsThem()
    {
        await using var a = await factory.ConnectWithTokenAsync(Friends, "f.a", "web");
        await using var b = await factory.ConnectWithTokenAsync(Friends, "f.b", "web");
        using (var added = await ContactAsync(HttpMethod.Post, "f.a", "f.b", Friends))
            await Api.ReadJsonAsync(added, HttpStatusCode.OK);
        // Adding starts the events at once, both sides: each device gets the other's current state.
        await a.WaitForAsync(EventOf("f.b"), Deadline, "f.b's state on adding");
        await b.WaitForAsync(EventOf("f.a"), Deadline, "f.a's state on adding");

        await b.RequestAsync(Op("set_status", ("status", "busy")));
        await a.WaitForAsync(EventOf("f.b", f => Api.StatusMap(f).GetValueOrDefault("web") == "busy"), Deadline, "f.b busy");
        await a.RequestAsync(Op("set_status", ("status", "away")));
        await b.WaitForAsync(EventOf("f.a", f => Api.StatusMap(f).GetValueOrDefault("web") == "away"), Deadline, "f.a away");
        var versions = a.EventsOf("f.b").Select(e => e.GetProperty("version").GetInt64()).ToArray();
        Assert.Equal(versions.Order(), versions);

        // Not counted as subscriptions.
        var sublist = await factory.Rest(Friends).GetSubscriptionsAsync(await factory.AppTokenOfAsync(Friends), "f.a", "?pageNum=1&pageSize=10");
        Assert.Equal("0", Api.Str((await Api.ReadJsonAsync(sublist, HttpStatusCode.OK)).GetProperty("result"), "totalnum"));

        using (var removed = await ContactAsync(HttpMethod.Delete, "f.b", "f.a", Friends))
            await Api.ReadJsonAsync(removed, HttpStatusCode.OK);
        await b.RequestAsync(Op("set_status", ("status", "after-removal")));
        // A marker through a path that still exists proves the removed event had its chance to arrive.
        await using var c = await factory.ConnectWithTokenAsync(Friends, "f.c", "web");
        (await ContactAsync(HttpMethod.Post, "f.a", "f.c", Friends)).Dispose();
        await c.RequestAsync(Op("set_status", ("status", "marker")));
        await a.WaitForAsync(EventOf("f.c", f => Api.StatusMap(f).GetValueOrDefault("web") == "marker"), Deadline, "f.c's marker");
        Assert.DoesNotContain(a.EventsOf("f.b"), f => Api.StatusMap(f).GetValueOrDefault("web") == "after-removal");
    }

    [Fact]
    public async Task FriendNotificationOff_SendsNoFriendEvents()
    {
        await using var a = await factory.ConnectAsync("off.a", "web");
        (await ContactAsync(HttpMethod.Post, "off.a", "off.b")).Dispose();
        await factory.SetPresenceAsync("off.b", "web", "busy");
        await factory.SubscribeAsync("off.a", 3600, "off.c");
        await factory.SetPresenceAsync("off.c", "web", "marker");
        await a.WaitForAsync(EventOf("off.c"), Deadline, "off.c's marker");
        Assert.Empty(a.EventsOf("off.b"));
    }

    [Fact]
    public async Task DeleteUser_EndsSessions_RemovesSubscriptionsSubscribersAndContacts_AndWatchersSeeItOffline()
    {
        await factory.RegisterAsync(Friends, "d.gone", "d.watcher", "d.friend", "d.target");
        var token = await factory.AppTokenOfAsync(Friends);
        var rest = factory.Rest(Friends);
        (await ContactAsync(HttpMethod.Post, "d.gone", "d.friend", Friends)).Dispose();
        (await rest.SubscribeAsync(token, "d.gone", 3600, "d.target")).Dispose();
        await using var gone = await factory.ConnectWithTokenAsync(Friends, "d.gone", "web");
        var goneToken = await rest.UserTokenAsync(token, "d.gone");
        await using var watcher = await factory.ConnectWithTokenAsync(Friends, "d.watcher", "web");
        await watcher.RequestAsync(Op("subscribe", ("users", Users(["d.gone"])), ("expiry", 3600)));

        using (var deleted = await rest.SendAsync(HttpMethod.Delete, "users/d.gone", token))
        {
            var json = await Api.ReadJsonAsync(deleted, HttpStatusCode.OK);
            Assert.Equal("delete", Api.Str(json, "action"));
            Assert.Equal("d.gone", Api.Str(json.GetProperty("entities")[0], "username"));
        }
        await gone.WaitForEndAsync(Deadline);
        Assert.Equal(4003, (int?)gone.CloseStatus);
        await watcher.WaitForAsync(EventOf("d.gone", f => Api.Str(f, "status_type") != "online"), Deadline, "d.gone offline");
        await watcher.WaitForAsync(f => Type(f) == "subscription_ended" && Api.Str(f, "uid") == "d.gone", Deadline, "d.gone's subscription ended");
        Assert.Empty(await ListAsync("d.friend", Friends));
        using (var subs = await rest.GetSubscriptionsAsync(token, "d.gone", "?pageNum=1&pageSize=10"))
            Assert.Equal("0", Api.Str((await Api.ReadJsonAsync(subs, HttpStatusCode.OK)).GetProperty("result"), "totalnum"));
        using (var again = await rest.SendAsync(HttpMethod.Get, "users/d.gone", token))
            await Api.AssertErrorAsync(again, HttpStatusCode.NotFound, "service_resource_not_found");
        using (var grant = await factory.PasswordGrantAsync(Friends, "d.gone", "pw-d.gone"))
            await Api.AssertErrorAsync(grant, HttpStatusCode.NotFound, "invalid_grant", "user not found");
        using var userDelete = await rest.SendAsync(HttpMethod.Delete, "users/d.watcher", goneToken);
        await Api.AssertErrorAsync(userDelete, HttpStatusCode.Forbidden, "forbidden");
    }
}
