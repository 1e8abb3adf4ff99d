using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Presence.Webhooks;
using StandardWebhooks;

namespace Presence.Api.Tests;

/// <summary>The webhook rules as plain classes (no silo): bodies, the MD5 vector, platforms, signatures, suspension, backoff.</summary>
public sealed class WebhookRulesTests
{
    private static readonly Guid EventId = new("0191d5f0-0000-7000-8000-000000000001");

    [Fact]
    public void EasemobSecurity_MatchesTheFormula_OnAKnownVector()
    {
        // md5("demo#demo_0191d5f0-0000-7000-8000-000000000001" + "s3cret" + "1700000000000"), computed apart from the code.
        var callId = EasemobWebhookBody.CallId("demo#demo", EventId);

        Assert.Equal("demo#demo_0191d5f0-0000-7000-8000-000000000001", callId);
        Assert.Equal("e93f86794477ca2b42439333a467f017", EasemobWebhookBody.Security(callId, "s3cret", 1700000000000));
    }

    [Theory]
    [InlineData(WebhookEventKind.Login, "1", "login", "online")]
    [InlineData(WebhookEventKind.Logout, "0", "logout", "offline")]
    [InlineData(WebhookEventKind.Lost, "0", "logout", "offline")]
    [InlineData(WebhookEventKind.Replaced, "0", "replaced", "offline")]
    public void EasemobBody_HasEasemobsFields(WebhookEventKind kind, string status, string reason, string online)
    {
        var rule = Rule(WebhookFormat.Easemob);
        var body = Parse(WebhookRequest.For(rule, [Event(kind, status)], "b", "host-1").Body);

        Assert.Equal(["callId", "reason", "security", "os", "ip", "host", "appkey", "user", "version", "timestamp", "status"],
            body.EnumerateObject().Select(static p => p.Name));
        Assert.Equal("demo#demo_" + EventId, body.GetProperty("callId").GetString());
        Assert.Equal(reason, body.GetProperty("reason").GetString());
        Assert.Equal(EasemobWebhookBody.Security(body.GetProperty("callId").GetString()!, "s3cret", 1700000000000), body.GetProperty("security").GetString());
        Assert.Equal("android", body.GetProperty("os").GetString());
        Assert.Equal("host-1", body.GetProperty("host").GetString());
        Assert.Equal("demo#demo", body.GetProperty("appkey").GetString());
        Assert.Equal("demo#demo_alice@easemob.com/android_1", body.GetProperty("user").GetString());
        Assert.Equal(1700000000000, body.GetProperty("timestamp").GetInt64());
        Assert.Equal(online, body.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData(WebhookEventKind.Login, WebhookLostCause.None, "Login", "Register")]
    [InlineData(WebhookEventKind.Logout, WebhookLostCause.None, "Logout", "Unregister")]
    [InlineData(WebhookEventKind.Lost, WebhookLostCause.LinkClose, "Disconnect", "LinkClose")]
    [InlineData(WebhookEventKind.Lost, WebhookLostCause.TimeOut, "Disconnect", "TimeOut")]
    public void TencentBody_IsStateStateChange(WebhookEventKind kind, WebhookLostCause cause, string action, string reason)
    {
        var rule = Rule(WebhookFormat.Tencent);
        var request = WebhookRequest.For(rule, [Event(kind, "1") with { Cause = cause, Kicked = kind == WebhookEventKind.Login ? "ios_2" : null }], "b", "h");
        var body = Parse(request.Body);

        Assert.Equal("State.StateChange", body.GetProperty("CallbackCommand").GetString());
        Assert.Equal(1700000000000, body.GetProperty("EventTime").GetInt64());
        Assert.Equal(action, body.GetProperty("Info").GetProperty("Action").GetString());
        Assert.Equal("alice", body.GetProperty("Info").GetProperty("To_Account").GetString());
        Assert.Equal(reason, body.GetProperty("Info").GetProperty("Reason").GetString());
        if (kind == WebhookEventKind.Login)
            Assert.Equal("iOS", body.GetProperty("KickedDevice")[0].GetProperty("Platform").GetString());
        Assert.Equal("https://example.com/cb?SdkAppid=1400000000&CallbackCommand=State.StateChange&contenttype=json&ClientIP=&OptPlatform=Android",
            request.Url.ToString());
    }

    [Theory]
    [InlineData("android_8f2c", "android", "Android")]
    [InlineData("ios", "ios", "iOS")]
    [InlineData("iPad-2", "ios", "iPad")]
    [InlineData("webim_123", "web", "Web")]
    [InlineData("web", "web", "Web")]
    [InlineData("win-1", "win", "Windows")]
    [InlineData("mac", "mac", "Mac")]
    [InlineData("linux_box", "linux", "Linux")]
    [InlineData("fridge", "other", "Unknown")]
    [InlineData("1234", "other", "Unknown")]
    public void Platform_ComesFromTheResourceName(string resource, string os, string platform)
    {
        Assert.Equal(os, DevicePlatforms.EasemobOs(resource));
        Assert.Equal(platform, DevicePlatforms.TencentPlatform(resource));
    }

    [Theory]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("a plain console secret")]
    public void Signature_IsVerifiedByTheStandardWebhooksPackage(string secret)
    {
        var key = ConfiguredWebhookRule.SigningKeyOf(secret);
        var body = """{"callId":"x"}""";
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var headers = new HeaderDictionary
        {
            [StandardWebhookSignature.IdHeader] = "msg_1",
            [StandardWebhookSignature.TimestampHeader] = timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [StandardWebhookSignature.SignatureHeader] = StandardWebhookSignature.Sign(key, "msg_1", timestamp, Encoding.UTF8.GetBytes(body)),
        };

        // A whsec_ secret is given to the package as is (it decodes it); any other as its UTF-8 bytes.
        var verifier = secret.StartsWith("whsec_", StringComparison.Ordinal) ? new StandardWebhook(secret) : new StandardWebhook(Encoding.UTF8.GetBytes(secret));
        verifier.Verify(body, headers);
        Assert.Throws<StandardWebhooks.Diagnostics.WebhookVerificationException>(() => verifier.Verify(body + " ", headers));
    }

    [Fact]
    public void Suspension_TripsAt90FailuresIn30Seconds_AndLastsFiveMinutes()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var window = new SuspensionWindow(90, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), clock);

        for (var i = 0; i < 60; i++)
            Assert.False(window.Failed());
        clock.Advance(TimeSpan.FromSeconds(31)); // the first 60 leave the window
        for (var i = 0; i < 89; i++)
            Assert.False(window.Failed());
        Assert.Null(window.SuspendedUntil);
        Assert.True(window.Failed());
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromMinutes(5), window.SuspendedUntil);
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(window.SuspendedUntil);
    }

    [Fact]
    public void Suspension_IsLiftedByReset()
    {
        var clock = new FakeTimeProvider();
        var window = new SuspensionWindow(2, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), clock);
        window.Failed();
        window.Failed();
        Assert.NotNull(window.SuspendedUntil);

        window.Reset();

        Assert.Null(window.SuspendedUntil);
        Assert.Equal(0, window.FailuresInWindow);
    }

    [Fact]
    public void Backoff_DoublesUpToItsCeiling_WithJitterBelowIt()
    {
        var backoff = new RetryBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), new Random(7));
        for (var retry = 1; retry <= 20; retry++)
        {
            var ceiling = backoff.Ceiling(retry);
            var delay = backoff.Delay(retry);
            Assert.InRange(delay, ceiling / 2, ceiling);
            Assert.Equal(TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, retry - 1))), ceiling);
        }
    }

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.20.0.1", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("8.8.8.8", true)]
    [InlineData("172.32.0.1", true)]
    [InlineData("2001:4860:4860::8888", true)]
    public void Guard_RefusesInternalAddresses(string address, bool isPublic) =>
        Assert.Equal(isPublic, WebhookTargetGuard.IsPublic(System.Net.IPAddress.Parse(address)));

    [Fact]
    public void BatchId_IsTheSameForTheSameEvents()
    {
        var events = new[] { Event(WebhookEventKind.Login, "1"), Event(WebhookEventKind.Logout, "0") with { Id = Guid.CreateVersion7() } };

        Assert.Equal(WebhookRuleWorker.BatchId(events), WebhookRuleWorker.BatchId(events.ToArray()));
        Assert.NotEqual(WebhookRuleWorker.BatchId(events), WebhookRuleWorker.BatchId([events[0]]));
    }

    [Fact]
    public void BatchedRule_SendsAJsonArray()
    {
        var rule = Rule(WebhookFormat.Easemob, batch: true);
        var request = WebhookRequest.For(rule, [Event(WebhookEventKind.Login, "1"), Event(WebhookEventKind.Logout, "0")], "batch_1", "h");

        Assert.Equal("batch_1", request.Id);
        Assert.Equal(2, Parse(request.Body).GetArrayLength());
    }

    internal static ConfiguredWebhookRule Rule(WebhookFormat format, bool batch = false) =>
        new("demo", "demo", "0", new WebhookRuleOptions { Url = "https://example.com/cb", Secret = "s3cret", Format = format, Batch = batch, SdkAppId = 1400000000 });

    internal static WebhookEvent Event(WebhookEventKind kind, string status, string user = "alice", string resource = "android_1") => new()
    {
        Id = EventId,
        Rule = "demo/demo/0",
        Org = "demo",
        App = "demo",
        Username = user,
        Resource = resource,
        Kind = kind,
        Status = status,
        OccurredAtMs = 1700000000000,
    };

    private static JsonElement Parse(byte[] body) => JsonDocument.Parse(body).RootElement;
}
