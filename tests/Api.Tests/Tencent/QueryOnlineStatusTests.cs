using System.Net;
using System.Text.Json;

namespace Presence.Api.Tests;

/// <summary>
/// Tencent's <c>POST /v4/openim/query_online_status</c>, called as Tencent's server SDKs call it: the administrator's
/// UserSig made by Tencent's own library, answers and failures in Tencent's shape (HTTP 200, ActionStatus, ErrorCode).
/// </summary>
public sealed class QueryOnlineStatusTests(TencentRouteFactory factory) : IClassFixture<TencentRouteFactory>
{
    private DateTimeOffset Now => factory.Clock.GetUtcNow();

    private async Task<HttpResponseMessage> QueryAsync(string body, long sdkAppId = TencentSigs.SdkAppId)
    {
        var sig = await TencentSigs.MakeAsync(TencentSigs.Admin, Now.AddMinutes(-1));
        return await factory.PostAsync(TencentRouteFactory.Route(sdkAppId, TencentSigs.Admin, sig), body);
    }

    private async Task SetAsync(string username, string resource, string status)
    {
        var rest = factory.CreateGatewayClient();
        using var response = await rest.SetPresenceAsync(await rest.AppTokenAsync(), username, resource, status);
        await Api.AssertOkResultAsync(response);
    }

    [Fact]
    public async Task Query_AnswersOnlineWhenAnyDeviceIsOnline_ElseOffline_InTencentsShape()
    {
        await SetAsync("q_on", "ios_1", "1");
        await SetAsync("q_off", "web_1", "0");
        await SetAsync("q_busy", "android", "busy");

        using var response = await QueryAsync("""{"To_Account":["Q_On","q_off","q_never","q_busy"]}""");

        var body = await TencentApiAssert.OkAsync(response);
        Assert.Equal([("Q_On", "Online"), ("q_off", "Offline"), ("q_never", "Offline"), ("q_busy", "Online")], TencentApiAssert.Statuses(body));
        foreach (var result in body.GetProperty("QueryResult").EnumerateArray())
            Assert.Equal(["To_Account", "Status"], Api.Names(result)); // no Detail, and never PushOnline
        Assert.Empty(body.GetProperty("ErrorList").EnumerateArray());
    }

    [Fact]
    public async Task Query_ListsTheOnlineDevicesByTencentPlatform_WhenIsNeedDetailIs1()
    {
        await SetAsync("d_user", "ios_1", "1");
        await SetAsync("d_user", "android_2", "1");
        await SetAsync("d_user", "web_3", "0");
        await SetAsync("d_user", "windows", "1");
        await SetAsync("d_user", "Mac_x", "busy");
        await SetAsync("d_user", "fridge_1", "1");
        await SetAsync("d_offline", "web_1", "0");

        using var detailed = await QueryAsync("""{"IsNeedDetail":1,"To_Account":["d_user","d_offline"]}""");
        using var plain = await QueryAsync("""{"IsNeedDetail":0,"To_Account":["d_user"]}""");

        var results = (await TencentApiAssert.OkAsync(detailed)).GetProperty("QueryResult");
        var online = results[0];
        Assert.Equal(["To_Account", "Status", "Detail"], Api.Names(online));
        Assert.Equal("Online", online.GetProperty("Status").GetString());
        var detail = online.GetProperty("Detail").EnumerateArray().ToList();
        Assert.All(detail, d => Assert.Equal(["Platform", "Status"], Api.Names(d)));
        Assert.All(detail, d => Assert.Equal("Online", d.GetProperty("Status").GetString()));
        // In resource-name order: Mac_x, android_2, fridge_1, ios_1, windows (web_3 is offline).
        Assert.Equal(["Mac", "Android", "Unknown", "iPhone", "Windows"], detail.Select(d => d.GetProperty("Platform").GetString()));
        Assert.Equal(["To_Account", "Status"], Api.Names(results[1])); // offline: no Detail, as Tencent answers
        Assert.Equal(["To_Account", "Status"], Api.Names((await TencentApiAssert.OkAsync(plain)).GetProperty("QueryResult")[0]));
    }

    [Fact]
    public async Task Query_Answers500Accounts_AndRefuses501With90011()
    {
        await SetAsync("bulk250", "web", "1");
        var names = Enumerable.Range(0, 500).Select(i => $"bulk{i}").ToList();

        using var full = await QueryAsync(JsonSerializer.Serialize(new Dictionary<string, object> { ["To_Account"] = names }));
        using var over = await QueryAsync(JsonSerializer.Serialize(new Dictionary<string, object> { ["To_Account"] = names.Append("bulk500") }));

        var statuses = TencentApiAssert.Statuses(await TencentApiAssert.OkAsync(full));
        Assert.Equal(names, statuses.Select(s => s.Account));
        Assert.Equal("Online", statuses[250].Status);
        Assert.Equal(499, statuses.Count(s => s.Status == "Offline"));
        await TencentApiAssert.FailAsync(over, 90011);
    }

    [Fact]
    public async Task Query_PutsAccountsThatAreNotLegalInErrorList_AndAnswersTheRest()
    {
        var tooLong = new string('x', 65);

        using var response = await QueryAsync($$"""{"To_Account":["ok1","bad name","","ok2","{{tooLong}}","ok1"]}""");

        var body = await TencentApiAssert.OkAsync(response);
        Assert.Equal([("ok1", "Offline"), ("ok2", "Offline"), ("ok1", "Offline")], TencentApiAssert.Statuses(body));
        var errors = body.GetProperty("ErrorList").EnumerateArray().ToList();
        Assert.All(errors, e => Assert.Equal(["To_Account", "ErrorCode"], Api.Names(e)));
        Assert.Equal(["bad name", "", tooLong], errors.Select(e => e.GetProperty("To_Account").GetString()));
        Assert.All(errors, e => Assert.Equal(70107, e.GetProperty("ErrorCode").GetInt32()));
    }

    [Fact]
    public async Task Query_AcceptsTencentsSampleBody_WithItsTrailingComma()
    {
        using var response = await QueryAsync("""{"To_Account":["id1","id2","id3","id4"],}""");

        Assert.Equal(4, TencentApiAssert.Statuses(await TencentApiAssert.OkAsync(response)).Count);
    }

    [Theory]
    [InlineData("", 90001)]
    [InlineData("not json", 90001)]
    [InlineData("[\"a\"]", 90001)]
    [InlineData("{\"To_Account\":[\"a\"]} {}", 90001)]
    [InlineData("{\"To_Account\":[]}", 90001)]
    [InlineData("{\"IsNeedDetail\":2,\"To_Account\":[\"a\"]}", 90001)]
    [InlineData("{\"IsNeedDetail\":\"1\",\"To_Account\":[\"a\"]}", 90001)]
    [InlineData("{\"To_Account\":[\"\\ud800\"]}", 90001)]
    [InlineData("{\"To_Account\":[\"a\",1]}", 90003)]
    [InlineData("{\"To_Account\":[\"a\",null]}", 90003)]
    [InlineData("{\"To_Account\":[[\"a\"]]}", 90003)]
    [InlineData("{\"To_Account\":\"a\"}", 90003)]
    [InlineData("{\"IsNeedDetail\":1}", 90003)]
    public async Task Query_FailsInTencentsShape_WhenTheBodyIsNotAQuery(string body, int errorCode)
    {
        using var response = await QueryAsync(body);

        await TencentApiAssert.FailAsync(response, errorCode);
    }

    [Fact]
    public async Task Query_Fails90001_WhenTheBodyIsOver64KiB()
    {
        var names = Enumerable.Range(0, 500).Select(_ => new string('y', 200)).ToList();

        using var response = await QueryAsync(JsonSerializer.Serialize(new Dictionary<string, object> { ["To_Account"] = names }));

        await TencentApiAssert.FailAsync(response, 90001);
    }

    [Fact]
    public async Task Query_FailsWithTencentsUserSigCodes_WhenTheAdministratorsSigIsRefused()
    {
        var time = Now.ToUnixTimeSeconds();
        var sigs = await TencentSigs.MakeAsync(
            new UserSigSpec(TencentSigs.SdkAppId, TencentSigs.Key, TencentSigs.Admin, 3600, time - 7200),
            new UserSigSpec(TencentSigs.SdkAppId, TencentSigs.OtherKey, TencentSigs.Admin, 86400, time),
            new UserSigSpec(TencentSigs.OtherSdkAppId, TencentSigs.OtherKey, TencentSigs.Admin, 86400, time),
            new UserSigSpec(TencentSigs.SdkAppId, TencentSigs.Key, "alice", 86400, time),
            new UserSigSpec(TencentSigs.SdkAppId, TencentSigs.Key, TencentSigs.Admin, 86400, time));
        var (expired, otherKey, otherApp, alices, valid) = (sigs[0], sigs[1], sigs[2], sigs[3], sigs[4]);
        const string body = """{"To_Account":["a"]}""";
        const long app = TencentSigs.SdkAppId;

        var cases = new (string Route, int Code)[]
        {
            (TencentRouteFactory.Route(app, TencentSigs.Admin, expired), 70001),
            (TencentRouteFactory.Route(app, TencentSigs.Admin, null), 70002),
            (TencentRouteFactory.Route(app, TencentSigs.Admin, "garbage"), 70003),
            (TencentRouteFactory.Route(app, TencentSigs.Admin, otherKey), 70009),
            (TencentRouteFactory.Route(app, TencentSigs.Admin, otherApp), 70014),
            (TencentRouteFactory.Route(app, TencentSigs.Admin, alices), 70013),
            (TencentRouteFactory.Route(app, "alice", alices), 60010),
            (TencentRouteFactory.Route(app, "Administrator", valid), 70013),
            (TencentRouteFactory.Route(424242, TencentSigs.Admin, valid), 70020),
            ($"/v4/openim/query_online_status?sdkappid=abc&identifier=administrator&usersig={Uri.EscapeDataString(valid)}", 70020),
            ($"/v4/openim/query_online_status?identifier=administrator&usersig={Uri.EscapeDataString(valid)}", 60012),
        };
        foreach (var (route, code) in cases)
        {
            using var response = await factory.PostAsync(route, body);
            await TencentApiAssert.FailAsync(response, code);
        }

        // Any change to the sig is refused: as malformed, or as not signed with the key.
        var tampered = valid[..30] + (valid[30] == 'A' ? 'B' : 'A') + valid[31..];
        using var changed = await factory.PostAsync(TencentRouteFactory.Route(app, TencentSigs.Admin, tampered), body);
        var changedCode = (await Api.ReadJsonAsync(changed, HttpStatusCode.OK)).GetProperty("ErrorCode").GetInt32();
        Assert.Contains(changedCode, new[] { 70003, 70009 });
    }

    [Fact]
    public async Task Query_ReadsOnlyTheAppOfTheSdkAppId_WithThatAppsAdministrator()
    {
        await SetAsync("tenant_user", "web_1", "1"); // online in demo/demo
        var bossSig = (await TencentSigs.MakeAsync(new UserSigSpec(TencentSigs.OtherSdkAppId, TencentSigs.OtherKey, TencentRouteFactory.OtherAdmin, 86400, Now.ToUnixTimeSeconds())))[0];

        using var other = await factory.PostAsync(
            TencentRouteFactory.Route(TencentSigs.OtherSdkAppId, TencentRouteFactory.OtherAdmin, bossSig), """{"To_Account":["tenant_user"]}""");
        using var own = await QueryAsync("""{"To_Account":["tenant_user"]}""");

        Assert.Equal([("tenant_user", "Offline")], TencentApiAssert.Statuses(await TencentApiAssert.OkAsync(other)));
        Assert.Equal([("tenant_user", "Online")], TencentApiAssert.Statuses(await TencentApiAssert.OkAsync(own)));
    }
}
