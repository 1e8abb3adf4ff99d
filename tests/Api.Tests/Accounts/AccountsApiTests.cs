using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Presence.Api.Tests;

/// <summary>The users routes and the password grant: Easemob's bodies and errors, guessing slowed, timing parity.</summary>
public sealed class AccountsApiTests(AccountsFactory factory) : IClassFixture<AccountsFactory>
{
    private const string App = SocketGatewayFactory.App;

    private async Task<HttpResponseMessage> PostUsersAsync(string body, string? token, string app = App) =>
        await factory.Rest(app).SendAsync(HttpMethod.Post, "users", token, body);

    [Fact]
    public async Task Register_AnswersEasemobsEnvelope_WithOneEntity()
    {
        using var response = await PostUsersAsync("{\"username\":\"Reg.One\",\"password\":\"secret\",\"nickname\":\"Uno\"}", await factory.AppTokenAsync());
        var json = await Api.ReadJsonAsync(response, HttpStatusCode.OK);

        Assert.Equal(["action", "application", "path", "uri", "entities", "timestamp", "duration", "organization", "applicationName"], Api.Names(json));
        Assert.Equal("post", Api.Str(json, "action"));
        Assert.Equal("/users", Api.Str(json, "path"));
        Assert.EndsWith("/demo/demo/users", Api.Str(json, "uri"));
        Assert.Equal("demo", Api.Str(json, "organization"));
        Assert.Equal("demo", Api.Str(json, "applicationName"));
        var entity = Assert.Single(json.GetProperty("entities").EnumerateArray());
        Assert.Equal(["uuid", "type", "created", "modified", "username", "activated", "nickname"], Api.Names(entity));
        Assert.Equal("reg.one", Api.Str(entity, "username"));
        Assert.Equal("user", Api.Str(entity, "type"));
        Assert.True(entity.GetProperty("activated").GetBoolean());
        Assert.Equal("Uno", Api.Str(entity, "nickname"));
        Assert.Equal(JsonValueKind.Number, entity.GetProperty("created").ValueKind);
    }

    [Fact]
    public async Task Register_IsDuplicateUniquePropertyExists_WhenTheUsernameIsTaken()
    {
        var token = await factory.AppTokenAsync();
        using (var first = await PostUsersAsync("{\"username\":\"reg.dup\",\"password\":\"a\"}", token))
            await Api.ReadJsonAsync(first, HttpStatusCode.OK);
        using var second = await PostUsersAsync("{\"username\":\"REG.DUP\",\"password\":\"b\"}", token);
        var error = await Api.AssertErrorAsync(second, HttpStatusCode.BadRequest, "duplicate_unique_property_exists");
        Assert.EndsWith("Entity user requires that property named username be unique, value of reg.dup exists", Api.Str(error, "error_description"));
    }

    [Fact]
    public async Task RegisterBatch_CreatesTheNewOnes_AndListsTheExistingInData()
    {
        var token = await factory.AppTokenAsync();
        await factory.RegisterAsync(App, "batch.old");
        using var response = await PostUsersAsync(
            "[{\"username\":\"batch.old\",\"password\":\"x\"},{\"username\":\"batch.new1\",\"password\":\"x\"},{\"username\":\"batch.new2\",\"password\":\"x\"}]", token);
        var json = await Api.ReadJsonAsync(response, HttpStatusCode.OK);

        Assert.Equal(["batch.new1", "batch.new2"], json.GetProperty("entities").EnumerateArray().Select(e => Api.Str(e, "username")).ToArray());
        var failed = Assert.Single(json.GetProperty("data").EnumerateArray());
        Assert.Equal(["username", "registerUserFailReason"], Api.Names(failed));
        Assert.Equal("batch.old", Api.Str(failed, "username"));
    }

    [Theory]
    [InlineData("{\"username\":\"bad name\",\"password\":\"x\"}", "username [bad name] is not legal")]
    [InlineData("{\"password\":\"x\"}", "username [] is not legal")]
    [InlineData("{\"username\":\"nopw\"}", "password or pin must provided")]
    [InlineData("{\"username\":\"emptypw\",\"password\":\"\"}", "password or pin must provided")]
    [InlineData("[]", "a user object or a non-empty array of users is required")]
    [InlineData("\"text\"", JsonRequestBodyDescription)]
    public async Task Register_IsIllegalArgument_WhenTheBodyIsBad(string body, string description)
    {
        using var response = await PostUsersAsync(body, await factory.AppTokenAsync());
        await Api.AssertIllegalArgumentAsync(response, description);
    }

    private const string JsonRequestBodyDescription = "Request body is not valid JSON or has fields of the wrong type";

    [Fact]
    public async Task Register_IsIllegalArgument_WhenTheBatchHasMoreThan60OrThePasswordOrNicknameIsTooLong()
    {
        var token = await factory.AppTokenAsync();
        var batch = "[" + string.Join(",", Enumerable.Range(0, 61).Select(i => $"{{\"username\":\"many{i}\",\"password\":\"x\"}}")) + "]";
        using (var response = await PostUsersAsync(batch, token))
            await Api.AssertIllegalArgumentAsync(response, "too many users: at most 60 per request");
        using (var response = await PostUsersAsync($"{{\"username\":\"longpw\",\"password\":\"{new string('p', 65)}\"}}", token))
            await Api.AssertIllegalArgumentAsync(response, "password is not legal: 1-64 characters");
        using (var response = await PostUsersAsync($"{{\"username\":\"longnick\",\"password\":\"x\",\"nickname\":\"{new string('n', 101)}\"}}", token))
            await Api.AssertIllegalArgumentAsync(response, "nickname is not legal: at most 100 characters");
    }

    [Fact]
    public async Task Register_Is401WithoutAToken_UnlessTheAppHasOpenRegistration()
    {
        using (var closed = await PostUsersAsync("{\"username\":\"anon1\",\"password\":\"x\"}", token: null))
            await Api.AssertUnauthorizedAsync(closed);
        using (var userToken = await PostUsersAsync("{\"username\":\"anon1\",\"password\":\"x\"}", await factory.UserTokenAsync("someone")))
            await Api.AssertErrorAsync(userToken, HttpStatusCode.Forbidden, "forbidden");
        using var open = await PostUsersAsync("{\"username\":\"anon1\",\"password\":\"x\"}", token: null, app: "open");
        await Api.ReadJsonAsync(open, HttpStatusCode.OK);
    }

    [Fact]
    public async Task PasswordGrant_AsTheWebSdkSendsIt_ReturnsAUserTokenThatOpensASocket()
    {
        await factory.RegisterAsync(App, "sdk.user");
        using var response = await factory.PasswordGrantAsync(App, "sdk.user", "pw-sdk.user");
        var json = await Api.ReadJsonAsync(response, HttpStatusCode.OK);

        Assert.Equal(["access_token", "expires_in", "user"], Api.Names(json));
        Assert.Equal(5_184_000, json.GetProperty("expires_in").GetInt64());
        Assert.Equal("sdk.user", Api.Str(json.GetProperty("user"), "username"));
        Assert.True(json.GetProperty("user").GetProperty("activated").GetBoolean());
        await using var socket = await SocketClient.ConnectAsync(factory.SocketUri("resource=web"), Api.Str(json, "access_token"));
        var reply = await socket.RequestAsync(SocketClient.Op("query", ("users", SocketClient.Users(["sdk.user"]))));
        Assert.Equal("reply", SocketClient.Type(reply));
    }

    [Fact]
    public async Task PasswordGrant_RefusesAWrongPasswordAndAnUnknownUser_WithEasemobsInvalidGrant()
    {
        await factory.RegisterAsync(App, "grant.user");
        using (var wrong = await factory.PasswordGrantAsync(App, "grant.user", "nope"))
            await Api.AssertErrorAsync(wrong, HttpStatusCode.BadRequest, "invalid_grant", "invalid password");
        using (var unknown = await factory.PasswordGrantAsync(App, "grant.nobody", "nope"))
            await Api.AssertErrorAsync(unknown, HttpStatusCode.NotFound, "invalid_grant", "user not found");
        using (var missing = await factory.Rest().RequestTokenAsync("{\"grant_type\":\"password\",\"username\":\"grant.user\"}"))
            await Api.AssertIllegalArgumentAsync(missing, "password or pin must provided");
    }

    [Fact]
    public async Task PasswordGrant_IsRefusedForAGrowingDelay_After5FailuresInAMinute()
    {
        await factory.RegisterAsync(App, "brute.user");
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await factory.PasswordGrantAsync(App, "brute.user", $"guess{i}");
            await Api.AssertErrorAsync(wrong, HttpStatusCode.BadRequest, "invalid_grant", "invalid password");
        }
        // Even the right password is refused unchecked while the brake holds.
        using (var limited = await factory.PasswordGrantAsync(App, "brute.user", "pw-brute.user"))
        {
            await Api.AssertErrorAsync(limited, HttpStatusCode.TooManyRequests, "reach_limit");
            Assert.Equal(TimeSpan.FromSeconds(10), limited.Headers.RetryAfter?.Delta);
        }
        factory.Clock.Advance(TimeSpan.FromSeconds(11));
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await factory.PasswordGrantAsync(App, "brute.user", $"again{i}");
            await Api.AssertErrorAsync(wrong, HttpStatusCode.BadRequest, "invalid_grant");
        }
        using (var longer = await factory.PasswordGrantAsync(App, "brute.user", "pw-brute.user"))
        {
            await Api.AssertErrorAsync(longer, HttpStatusCode.TooManyRequests, "reach_limit");
            Assert.Equal(TimeSpan.FromSeconds(20), longer.Headers.RetryAfter?.Delta);
        }
        factory.Clock.Advance(TimeSpan.FromSeconds(21));
        using var ok = await factory.PasswordGrantAsync(App, "brute.user", "pw-brute.user");
        await Api.ReadJsonAsync(ok, HttpStatusCode.OK);
    }

    /// <summary>
    /// A wrong password and an unknown user cost the same work (the unknown one is checked against a dummy hash): the
    /// median times of the two, each on warm grains, are within a factor of two. A ratio, not a deadline.
    /// </summary>
    [Fact]
    public async Task PasswordGrant_TakesComparableTime_ForAWrongPasswordAndAnUnknownUser()
    {
        const int Users = 8;
        var known = Enumerable.Range(0, Users).Select(i => $"timing.known{i}").ToArray();
        var unknown = Enumerable.Range(0, Users).Select(i => $"timing.unknown{i}").ToArray();
        await factory.RegisterAsync(App, known);
        async Task<double> MedianAsync(string[] names)
        {
            var times = new List<double>();
            foreach (var name in names)
            {
                using (await factory.PasswordGrantAsync(App, name, "warm-up")) { } // activates the account grain
                var watch = Stopwatch.StartNew();
                using (await factory.PasswordGrantAsync(App, name, "wrong"))
                    times.Add(watch.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            return times[times.Count / 2];
        }
        var wrongPassword = await MedianAsync(known);
        var unknownUser = await MedianAsync(unknown);
        var ratio = unknownUser / wrongPassword;
        Assert.True(ratio is > 0.5 and < 2.0, $"unknown user {unknownUser:F1} ms vs wrong password {wrongPassword:F1} ms (ratio {ratio:F2})");
    }

    [Fact]
    public async Task GetUser_ReturnsTheEntity_And404ForAnUnknownUser()
    {
        await factory.RegisterAsync(App, "get.user");
        var token = await factory.AppTokenAsync();
        using (var response = await factory.Rest().SendAsync(HttpMethod.Get, "users/get.user", token))
        {
            var json = await Api.ReadJsonAsync(response, HttpStatusCode.OK);
            Assert.Equal("get", Api.Str(json, "action"));
            Assert.Equal(1, json.GetProperty("count").GetInt32());
            Assert.Equal("get.user", Api.Str(json.GetProperty("entities")[0], "username"));
        }
        using var missing = await factory.Rest().SendAsync(HttpMethod.Get, "users/get.nobody", token);
        await Api.AssertErrorAsync(missing, HttpStatusCode.NotFound, "service_resource_not_found");
    }

    [Fact]
    public async Task ChangePassword_WithAnAppToken_OrTheUserWithItsOldPassword()
    {
        await factory.RegisterAsync(App, "pw.user");
        var rest = factory.Rest();
        using (var response = await rest.SendAsync(HttpMethod.Put, "users/pw.user/password", await factory.AppTokenAsync(), "{\"newpassword\":\"second\"}"))
            Assert.Equal("set user password", Api.Str(await Api.ReadJsonAsync(response, HttpStatusCode.OK), "action"));
        using (var old = await factory.PasswordGrantAsync(App, "pw.user", "pw-pw.user"))
            await Api.AssertErrorAsync(old, HttpStatusCode.BadRequest, "invalid_grant", "invalid password");
        var userToken = await factory.UserTokenAsync("pw.user");
        using (var noOld = await rest.SendAsync(HttpMethod.Put, "users/pw.user/password", userToken, "{\"newpassword\":\"third\"}"))
            await Api.AssertIllegalArgumentAsync(noOld, "oldpassword is required with a user token");
        using (var wrongOld = await rest.SendAsync(HttpMethod.Put, "users/pw.user/password", userToken, "{\"newpassword\":\"third\",\"oldpassword\":\"x\"}"))
            await Api.AssertErrorAsync(wrongOld, HttpStatusCode.BadRequest, "invalid_grant", "invalid password");
        using (var self = await rest.SendAsync(HttpMethod.Put, "users/pw.user/password", userToken, "{\"newpassword\":\"third\",\"oldpassword\":\"second\"}"))
            await Api.ReadJsonAsync(self, HttpStatusCode.OK);
        using var ok = await factory.PasswordGrantAsync(App, "pw.user", "third");
        await Api.ReadJsonAsync(ok, HttpStatusCode.OK);
    }

    [Fact]
    public async Task RequireRegisteredUsers_Refuses404_OnPresenceRoutesUserTokensAndSockets_AndFailsSubscriptionsToUnknownUsers()
    {
        const string Strict = "strict";
        await factory.RegisterAsync(Strict, "strict.a", "strict.b");
        var token = await factory.AppTokenOfAsync(Strict);
        var rest = factory.Rest(Strict);
        using (var presence = await rest.SetPresenceAsync(token, "strict.nobody", "web", "1"))
            await Api.AssertErrorAsync(presence, HttpStatusCode.NotFound, "service_resource_not_found");
        using (var userToken = await rest.RequestTokenAsync("{\"grant_type\":\"inherit\",\"username\":\"strict.nobody\"}", token))
            await Api.AssertErrorAsync(userToken, HttpStatusCode.NotFound, "service_resource_not_found");
        using (var subscribe = await rest.SubscribeAsync(token, "strict.a", 3600, "strict.b", "strict.nobody"))
        {
            var json = await Api.ReadJsonAsync(subscribe, HttpStatusCode.OK);
            Assert.Equal(new[] { "strict.nobody" }, json.GetProperty("failed").EnumerateArray().Select(e => e.GetString()!).ToArray());
            Assert.Equal("strict.b", Api.Str(json.GetProperty("result")[0], "uid"));
        }
        using (var ok = await rest.SetPresenceAsync(token, "strict.a", "web", "1"))
            await Api.AssertOkResultAsync(ok);
        // A socket needs a user token, which an unknown user cannot get: a token from the open default app shows the socket refuses too.
        await using var device = await factory.ConnectWithTokenAsync(Strict, "strict.a", "web");
        var reply = await device.RequestAsync(SocketClient.Op("subscribe", ("users", SocketClient.Users(["strict.b", "strict.ghost"])), ("expiry", 60)));
        var failed = Assert.Single(reply.GetProperty("failed").EnumerateArray());
        Assert.Equal("strict.ghost", Api.Str(failed, "uid"));
        Assert.Equal("service_resource_not_found", Api.Str(failed, "error"));
    }
}
