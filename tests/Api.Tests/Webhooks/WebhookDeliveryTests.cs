using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using StandardWebhooks;

namespace Presence.Api.Tests;

/// <summary>Status webhooks end to end: a silo with rules, a real HTTP receiver on 127.0.0.1, devices and REST.</summary>
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;
    private WebhookGatewayFactory _factory = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _factory = new WebhookGatewayFactory(_receiver);
        _ = _factory.Address; // starts the silo
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task EveryEvent_InBothFormats_ReachesTheReceiver_Signed_InOrder()
    {
        await using (var first = await _factory.ConnectAsync("wh.alice", "android_1"))
        {
            await using var second = await _factory.ConnectAsync("wh.alice", "android_1"); // replaces the first
            await first.WaitForEndAsync();
            second.Abort(); // lost
            await _factory.WaitForStatusAsync("wh.alice", "android_1", "0");
        }
        await _factory.SetPresenceAsync("wh.bob", "ios", "1");
        await _factory.SetPresenceAsync("wh.bob", "ios", "0");

        await Eventually.TrueAsync(() => Events("/em", "wh.alice").Count >= 4 && Events("/em", "wh.bob").Count >= 2
            && Events("/tc", "wh.alice").Count >= 3 && Events("/tc", "wh.bob").Count >= 2, because: "every callback to arrive");

        var easemob = new StandardWebhook(WebhookGatewayFactory.EasemobSecret);
        var tencent = new StandardWebhook(Encoding.UTF8.GetBytes(WebhookGatewayFactory.TencentSecret));
        foreach (var request in _receiver.DeliveredTo("/em"))
            request.Verify(easemob);
        foreach (var request in _receiver.DeliveredTo("/tc"))
            request.Verify(tencent);

        Assert.Equal(["login/online", "replaced/offline", "login/online", "logout/offline"],
            Events("/em", "wh.alice").Select(static e => $"{e.GetProperty("reason").GetString()}/{e.GetProperty("status").GetString()}"));
        Assert.Equal(["login", "logout"], Events("/em", "wh.bob").Select(static e => e.GetProperty("reason").GetString()));
        var alice = Events("/em", "wh.alice")[0];
        Assert.Equal("demo#demo_wh.alice@easemob.com/android_1", alice.GetProperty("user").GetString());
        Assert.Equal("android", alice.GetProperty("os").GetString());
        var callId = alice.GetProperty("callId").GetString()!;
        Assert.StartsWith("demo#demo_", callId, StringComparison.Ordinal);
        Assert.Equal(EasemobWebhookBody.Security(callId, WebhookGatewayFactory.EasemobSecret, alice.GetProperty("timestamp").GetInt64()),
            alice.GetProperty("security").GetString());

        Assert.Equal(["Login/Register/", "Login/Register/Android", "Disconnect/LinkClose/"],
            Events("/tc", "wh.alice").Select(static e => $"{Info(e, "Action")}/{Info(e, "Reason")}/{Kicked(e)}"));
        Assert.Equal(["Login/Register/", "Logout/Unregister/"],
            Events("/tc", "wh.bob").Select(static e => $"{Info(e, "Action")}/{Info(e, "Reason")}/{Kicked(e)}"));
        var query = _receiver.DeliveredTo("/tc").First(r => r.Body.Contains("wh.bob", StringComparison.Ordinal)).Path;
        Assert.Equal("/tc?x=1&SdkAppid=1400000001&CallbackCommand=State.StateChange&contenttype=json&ClientIP=&OptPlatform=iOS", query);
    }

    [Fact]
    public async Task ReceiverDown_GetsEverythingWhenItReturns_InOrderPerUser_RetriesKeepTheirId()
    {
        _receiver.Down = true;
        var users = new[] { "wh.down1", "wh.down2", "wh.down3" };
        for (var round = 0; round < 4; round++)
        {
            foreach (var user in users)
                await _factory.SetPresenceAsync(user, "web", round % 2 == 0 ? "1" : "0");
        }
        await Eventually.TrueAsync(() => _receiver.Requests.Count(static r => !r.Delivered) >= 10, because: "attempts while it is down");
        await Task.Delay(TimeSpan.FromSeconds(2)); // a few rounds of backoff while down
        _receiver.Down = false;

        await Eventually.TrueAsync(() => users.All(u => Events("/em", u).Count >= 4), because: "everything after the receiver returns");

        foreach (var user in users)
            Assert.Equal(["login", "logout", "login", "logout"], Events("/em", user).Select(static e => e.GetProperty("reason").GetString()));
        var delivered = _receiver.DeliveredTo("/em").Where(static r => r.Body.Contains("wh.down", StringComparison.Ordinal)).ToList();
        Assert.Equal(delivered.Count, delivered.Select(static r => r.Id).Distinct().Count()); // each once
        var refusedIds = _receiver.Requests.Where(static r => !r.Delivered && r.Path.StartsWith("/em", StringComparison.Ordinal)).Select(static r => r.Id).ToHashSet();
        Assert.Subset(delivered.Select(static r => r.Id).ToHashSet(), refusedIds); // a retry is the same webhook-id
        // Retries are the same body too.
        foreach (var retried in _receiver.Requests.Where(r => !r.Delivered && refusedIds.Contains(r.Id)))
            Assert.Equal(delivered.Single(d => d.Id == retried.Id).Body, retried.Body);
    }

    [Fact]
    public async Task Operator_PausesResumesAndTests_AndSeesHealth()
    {
        using var admin = Admin();
        using (var paused = await admin.PostAsync("/admin/webhooks/demo/demo/em/pause", null))
            Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        await _factory.SetPresenceAsync("wh.paused", "web", "1");
        using (var test = await admin.PostAsync("/admin/webhooks/demo/demo/em/test", null))
            Assert.Equal(HttpStatusCode.OK, test.StatusCode);
        await Eventually.TrueAsync(() => Events("/tc", "wh.paused").Count == 1, because: "the other rule is not paused");
        Assert.Empty(Events("/em", "wh.paused"));

        using (var resumed = await admin.PostAsync("/admin/webhooks/demo/demo/em/resume", null))
            Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        await Eventually.TrueAsync(() => Events("/em", "wh.paused").Count == 1 && Events("/em", WebhookAdminApi.TestUsername).Count == 1,
            because: "the paused rule's callbacks after its resume");

        // The receiver has the callback before the sender has its answer and records the success: read until it has.
        JsonElement rules = default, em = default;
        await Eventually.TrueAsync(async () =>
        {
            using var list = await admin.GetAsync("/admin/webhooks");
            rules = JsonDocument.Parse(await list.Content.ReadAsStringAsync()).RootElement.GetProperty("rules").Clone();
            em = rules.EnumerateArray().Single(static r => r.GetProperty("rule").GetString() == "demo/demo/em");
            return em.GetProperty("last_success").ValueKind != JsonValueKind.Null;
        }, because: "the sender records the resumed rule's success");
        Assert.False(em.GetProperty("paused").GetBoolean());
        Assert.Equal("Easemob", em.GetProperty("format").GetString());
        Assert.DoesNotContain(WebhookGatewayFactory.EasemobSecret, rules.ToString(), StringComparison.Ordinal);

        using var unknown = await admin.PostAsync("/admin/webhooks/demo/demo/nope/pause", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var anonymous = await _factory.Rest().Http.GetAsync("/admin/webhooks");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task CallbackStorage_NeedsAnAppToken_AndReportsNothingWhenAllIsDelivered()
    {
        var rest = _factory.Rest();
        using var info = await rest.SendAsync(HttpMethod.Get, "callbacks/storage/info", await _factory.AppTokenAsync());
        var body = await Api.ReadJsonAsync(info, HttpStatusCode.OK);
        Assert.Equal("get", body.GetProperty("action").GetString());
        Assert.Equal(0, body.GetProperty("data").GetProperty("count").GetInt64());

        using var user = await rest.SendAsync(HttpMethod.Post, "callbacks/storage/retry", await _factory.UserTokenAsync("wh.someone"));
        Assert.Equal(HttpStatusCode.Forbidden, user.StatusCode);
        using var none = await rest.SendAsync(HttpMethod.Post, "callbacks/storage/retry");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
    }

    private HttpClient Admin()
    {
        var http = new HttpClient { BaseAddress = _factory.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:admin-secret")));
        return http;
    }

    /// <summary>The events delivered to <paramref name="path"/> about <paramref name="user"/>, in the order they arrived.</summary>
    private List<JsonElement> Events(string path, string user) =>
        _receiver.DeliveredTo(path).SelectMany(static r => r.Events).Where(e => About(e, user)).ToList();

    private static bool About(JsonElement e, string user) =>
        e.TryGetProperty("user", out var u) ? u.GetString()!.StartsWith($"demo#demo_{user}@", StringComparison.Ordinal)
        : e.GetProperty("Info").GetProperty("To_Account").GetString() == user;

    private static string? Info(JsonElement e, string name) => e.GetProperty("Info").GetProperty(name).GetString();

    private static string Kicked(JsonElement e) =>
        e.TryGetProperty("KickedDevice", out var kicked) && kicked.GetArrayLength() > 0 ? kicked[0].GetProperty("Platform").GetString()! : "";
}
