using System.Net;
using System.Net.WebSockets;

namespace Presence.Api.Tests;

/// <summary>
/// A Tencent UserSig made by Tencent's own library (npm tls-sig-api-v2) as a device's credential on a real WebSocket:
/// it signs in like a user token of its identifier, and a refused one gets the 401 error body before the upgrade.
/// </summary>
public sealed class UserSigSocketTests(TencentSocketFactory factory) : IClassFixture<TencentSocketFactory>
{
    private DateTimeOffset Now => factory.Clock.GetUtcNow();

    [Fact]
    public async Task Connect_LogsTheUserIn_WithTencentsUserSigInTheQuery()
    {
        var sig = await TencentSigs.MakeAsync("Sig_Alice", Now.AddMinutes(-1));

        await using var device = await SocketClient.ConnectAsync(
            factory.SocketUri($"resource=ios_1&userID=Sig_Alice&userSig={Uri.EscapeDataString(sig)}"), bearer: null);
        var own = await device.WaitForAsync(f => SocketClient.Type(f) == "presence", because: "the device's own presence");

        Assert.Equal("sig_alice", Api.Str(own, "uid"));
        Assert.Equal("online", Api.Str(own, "status_type"));
        Assert.Equal(new Dictionary<string, string> { ["ios_1"] = "1" }, Api.StatusMap(own));
        await factory.WaitForStatusAsync("sig_alice", "ios_1", "1");
    }

    [Fact]
    public async Task Connect_AcceptsTheUserSigInTheAuthorizationHeader_WithTheUserInUsername()
    {
        var sig = await TencentSigs.MakeAsync("header_user", Now.AddMinutes(-1));
        using var request = new HttpRequestMessage(HttpMethod.Get, factory.SocketUri("resource=web_1&username=header_user").PathAndQuery);
        request.Headers.TryAddWithoutValidation("Authorization", $"UserSig {sig}");

        // Past authentication and authorization: refused only because this plain GET is no upgrade.
        using var response = await factory.Rest().Http.SendAsync(request);

        await Api.AssertIllegalArgumentAsync(response, "this route expects a WebSocket upgrade");
    }

    [Fact]
    public async Task Connect_IsRefused401BeforeTheUpgrade_WhenTheUserSigIsExpiredTamperedForeignOrForAnotherUser()
    {
        var sigs = await TencentSigs.MakeAsync(
            new UserSigSpec(TencentSigs.SdkAppId, TencentSigs.Key, "alice", 3600, Now.AddHours(-2).ToUnixTimeSeconds()),
            new UserSigSpec(TencentSigs.SdkAppId, TencentSigs.Key, "alice", 86400, Now.ToUnixTimeSeconds()),
            new UserSigSpec(TencentSigs.OtherSdkAppId, TencentSigs.OtherKey, "alice", 86400, Now.ToUnixTimeSeconds()),
            new UserSigSpec(TencentSigs.SdkAppId, TencentSigs.OtherKey, "alice", 86400, Now.ToUnixTimeSeconds()),
            new UserSigSpec(TencentSigs.SdkAppId, TencentSigs.Key, "bob", 86400, Now.ToUnixTimeSeconds()));
        var (expired, valid, otherApp, otherKey, bobs) = (sigs[0], sigs[1], sigs[2], sigs[3], sigs[4]);
        var tampered = valid[..40] + (valid[40] == 'A' ? 'B' : 'A') + valid[41..];

        foreach (var query in new[]
                 {
                     $"resource=web_1&userID=alice&userSig={Uri.EscapeDataString(expired)}",
                     $"resource=web_1&userID=alice&userSig={Uri.EscapeDataString(tampered)}",
                     $"resource=web_1&userID=alice&userSig={Uri.EscapeDataString(otherApp)}",
                     $"resource=web_1&userID=alice&userSig={Uri.EscapeDataString(otherKey)}",
                     $"resource=web_1&userID=alice&userSig={Uri.EscapeDataString(bobs)}",
                     $"resource=web_1&userSig={Uri.EscapeDataString(valid)}", // no user named
                     $"resource=web_1&userID=alice&userSig=",
                 })
        {
            using var response = await factory.GetSocketRouteAsync(query);
            await Api.AssertUnauthorizedAsync(response);
            Assert.Equal(HttpStatusCode.Unauthorized, await SocketGatewayFactory.RefusedUpgradeStatusAsync(factory.SocketUri(query), bearer: null));
        }
    }

    [Fact]
    public async Task Connect_IsRefused401_WhenTheAppHasNoTencentKey()
    {
        var sig = await TencentSigs.MakeAsync("alice", Now);

        using var response = await factory.GetSocketRouteAsync($"resource=web_1&userID=alice&userSig={Uri.EscapeDataString(sig)}", app: "other");

        await Api.AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task Connect_IsRefused403_WhenUsernameNamesAnotherUserThanTheUserSig()
    {
        var sig = await TencentSigs.MakeAsync("alice", Now);

        using var response = await factory.GetSocketRouteAsync($"resource=web_1&userID=alice&username=bob&userSig={Uri.EscapeDataString(sig)}");

        await Api.AssertErrorAsync(response, HttpStatusCode.Forbidden, "forbidden", "A user token may act only as its own user");
    }

    [Fact]
    public async Task Connection_IsClosedWith4001_WhenItsUserSigExpires()
    {
        var sig = await TencentSigs.MakeAsync("sig_shortlived", Now, expire: 120);
        await using var device = await SocketClient.ConnectAsync(
            factory.SocketUri($"resource=web_1&userID=sig_shortlived&userSig={Uri.EscapeDataString(sig)}"), bearer: null);
        await device.WaitForAsync(f => SocketClient.Type(f) == "presence");

        factory.Clock.Advance(TimeSpan.FromSeconds(121));
        await device.WaitForEndAsync();

        Assert.Equal((WebSocketCloseStatus)4001, device.CloseStatus);
        await factory.WaitForStatusAsync("sig_shortlived", "web_1", "0");
    }
}
