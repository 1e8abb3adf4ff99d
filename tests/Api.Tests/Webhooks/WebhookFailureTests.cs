using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Presence.Api.Tests;

/// <summary>A rule whose receiver fails: suspension and its lift, the failed storage and Easemob's resend; and a batched rule.</summary>
public sealed class WebhookFailureTests : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;
    private FailureFactory _factory = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _factory = new FailureFactory(_receiver);
        _ = _factory.Address;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task FailingReceiver_SuspendsTheRule_StoresWhatStillFails_AndARetrySendsItAgain()
    {
        _receiver.Down = true;
        using var admin = Admin();
        for (var i = 0; i < 6; i++)
            await _factory.SetPresenceAsync($"wf.user{i}", "web", "1");

        // 5 failures within the window suspend the rule.
        await Eventually.TrueAsync(async () => (await Rule(admin, "demo/demo/em")).GetProperty("suspended_until").ValueKind != JsonValueKind.Null,
            because: "the rule to be suspended");
        await Task.Delay(TimeSpan.FromMilliseconds(500)); // attempts in flight as it tripped land
        var attempts = _receiver.Requests.Count(static r => r.Path.StartsWith("/em", StringComparison.Ordinal));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(attempts, _receiver.Requests.Count(static r => r.Path.StartsWith("/em", StringComparison.Ordinal))); // none while suspended
        using (var resumed = await admin.PostAsync("/admin/webhooks/demo/demo/em/resume", null))
            Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        await Eventually.TrueAsync(() => _receiver.Requests.Count(static r => r.Path.StartsWith("/em", StringComparison.Ordinal)) > attempts,
            because: "attempts again after the resume (suspended for 5 minutes otherwise)");

        // RetryFor (3 s) runs out: the callbacks go to the failed storage, and Easemob's route lists them.
        var rest = _factory.Rest();
        var token = await _factory.AppTokenAsync();
        await Eventually.TrueAsync(async () =>
        {
            // The failures trip the rule again; a suspended rule attempts nothing, so its callbacks wait: resume it.
            if ((await Rule(admin, "demo/demo/em")).GetProperty("suspended_until").ValueKind != JsonValueKind.Null)
            {
                using var again = await admin.PostAsync("/admin/webhooks/demo/demo/em/resume", null);
                Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            }
            using var info = await rest.SendAsync(HttpMethod.Get, "callbacks/storage/info", token);
            return (await Api.ReadJsonAsync(info, HttpStatusCode.OK)).GetProperty("data").GetProperty("count").GetInt64() == 6;
        }, timeout: TimeSpan.FromSeconds(30), because: "six callbacks stored as failed");

        _receiver.Down = false;
        using (var retry = await rest.SendAsync(HttpMethod.Post, "callbacks/storage/retry", token))
            Assert.Equal(6, (await Api.ReadJsonAsync(retry, HttpStatusCode.OK)).GetProperty("data").GetProperty("count").GetInt64());
        using (var resumed = await admin.PostAsync("/admin/webhooks/demo/demo/em/resume", null)) // it tripped again meanwhile
            Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        await Eventually.TrueAsync(() => _receiver.DeliveredTo("/em").Count == 6, because: "the resent callbacks");
        var failedIds = _receiver.Requests.Where(static r => !r.Delivered && r.Path.StartsWith("/em", StringComparison.Ordinal)).Select(static r => r.Id).ToHashSet();
        Assert.All(_receiver.DeliveredTo("/em"), r => Assert.Contains(r.Id, failedIds)); // the same webhook-ids
    }

    [Fact]
    public async Task BatchedRule_SendsABurstInFewPosts_AtMostOnePerSecond_EachEventOnce_InOrderPerUser()
    {
        const int Users = 50;
        const int Changes = 3000; // 60 per user, alternating login/logout
        var token = await _factory.AppTokenAsync();
        var rest = _factory.Rest("batch");
        await Parallel.ForEachAsync(Enumerable.Range(0, Users), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (user, _) =>
        {
            for (var i = 0; i < Changes / Users; i++)
            {
                using var response = await rest.SetPresenceAsync(await BatchTokenAsync(), $"wb.u{user}", "web", i % 2 == 0 ? "1" : "0");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        });

        await Eventually.TrueAsync(() => _receiver.DeliveredTo("/batch").Sum(static r => r.Events.Count) >= Changes, timeout: TimeSpan.FromSeconds(60),
            because: "every event of the burst");

        var posts = _receiver.Requests.Where(static r => r.Path.StartsWith("/batch", StringComparison.Ordinal)).ToList();
        Assert.All(posts, static p => Assert.InRange(p.Events.Count, 1, 1000));
        Assert.InRange(posts.Count, 3, 40);
        for (var i = 1; i < posts.Count; i++)
            Assert.True(posts[i].At - posts[i - 1].At >= TimeSpan.FromMilliseconds(900), $"POST {i} came {(posts[i].At - posts[i - 1].At).TotalMilliseconds} ms after the one before");
        var events = posts.SelectMany(static p => p.Events).ToList();
        Assert.Equal(Changes, events.Select(static e => e.GetProperty("callId").GetString()).Distinct().Count());
        foreach (var user in events.GroupBy(static e => e.GetProperty("user").GetString()))
        {
            var timestamps = user.Select(static e => e.GetProperty("timestamp").GetInt64()).ToList();
            Assert.Equal(timestamps.Order(), timestamps);
            Assert.Equal(Enumerable.Range(0, Changes / Users).Select(static i => i % 2 == 0 ? "login" : "logout"), user.Select(static e => e.GetProperty("reason").GetString()));
        }

        async Task<string> BatchTokenAsync()
        {
            _batchToken ??= await _factory.Rest("batch").AppTokenAsync("batch-client", "batch-secret");
            return _batchToken;
        }
    }

    private string? _batchToken;

    private HttpClient Admin()
    {
        var http = new HttpClient { BaseAddress = _factory.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:admin-secret")));
        return http;
    }

    private static async Task<JsonElement> Rule(HttpClient admin, string id)
    {
        using var list = await admin.GetAsync("/admin/webhooks");
        return JsonDocument.Parse(await list.Content.ReadAsStringAsync()).RootElement.GetProperty("rules").EnumerateArray()
            .Single(r => r.GetProperty("rule").GetString() == id);
    }

    private sealed class FailureFactory(WebhookReceiver receiver) : WebhookGatewayFactory(receiver)
    {
        protected override IDictionary<string, string?> WebhookSettings
        {
            get
            {
                var settings = base.WebhookSettings;
                settings["Presence:Webhooks:RetryFor"] = "00:00:03";
                settings["Presence:Webhooks:FailureThreshold"] = "5";
                settings["Presence:Webhooks:SuspendFor"] = "00:05:00";
                settings["Presence:Apps:0:Webhooks:1:Enabled"] = "false";
                settings["Presence:Apps:2:Org"] = "demo";
                settings["Presence:Apps:2:App"] = "batch";
                settings["Presence:Apps:2:ClientId"] = "batch-client";
                settings["Presence:Apps:2:ClientSecret"] = "batch-secret";
                settings["Presence:Apps:2:Webhooks:0:Url"] = new Uri(Receiver.Address, "/batch").ToString();
                settings["Presence:Apps:2:Webhooks:0:Secret"] = "batch secret";
                settings["Presence:Apps:2:Webhooks:0:Batch"] = "true";
                return settings;
            }
        }
    }
}
