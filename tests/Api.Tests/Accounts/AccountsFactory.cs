namespace Presence.Api.Tests;

/// <summary>
/// The silo on Kestrel with one app per account switch: <c>demo/demo</c> (closed registration, nothing required),
/// <c>demo/open</c> (open registration), <c>demo/strict</c> (registered users only) and <c>demo/friends</c> (friend
/// status notification on).
/// </summary>
public sealed class AccountsFactory : SocketGatewayFactory
{
    public static readonly string[] Apps = ["open", "strict", "friends"];

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = new Dictionary<string, string?>(base.Settings);
            for (var i = 0; i < Apps.Length; i++)
            {
                var n = i + 2;
                settings[$"Presence:Apps:{n}:Org"] = Org;
                settings[$"Presence:Apps:{n}:App"] = Apps[i];
                settings[$"Presence:Apps:{n}:ClientId"] = $"{Apps[i]}-client";
                settings[$"Presence:Apps:{n}:ClientSecret"] = $"{Apps[i]}-secret";
            }
            settings["Presence:Apps:2:OpenRegistration"] = "true";
            settings["Presence:Apps:3:RequireRegisteredUsers"] = "true";
            settings["Presence:Apps:4:FriendStatusNotification"] = "true";
            return settings;
        }
    }

    public Task<string> AppTokenOfAsync(string app) =>
        app == App ? AppTokenAsync() : Rest(app).AppTokenAsync($"{app}-client", $"{app}-secret");

    /// <summary>Registers users with an app token; asserts 200.</summary>
    public async Task RegisterAsync(string app, params string[] usernames)
    {
        var token = await AppTokenOfAsync(app);
        foreach (var username in usernames)
        {
            using var response = await Rest(app).SendAsync(HttpMethod.Post, "users", token, $"{{\"username\":\"{username}\",\"password\":\"pw-{username}\"}}");
            await Api.ReadJsonAsync(response, System.Net.HttpStatusCode.OK);
        }
    }

    /// <summary>The password grant exactly as Easemob's web SDK <c>open({ user, pwd })</c> posts it.</summary>
    public Task<HttpResponseMessage> PasswordGrantAsync(string app, string username, string password) =>
        Rest(app).RequestTokenAsync(
            $"{{\"grant_type\":\"password\",\"username\":\"{username}\",\"password\":\"{password}\",\"timestamp\":{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}}");

    public async Task<SocketClient> ConnectWithTokenAsync(string app, string username, string resource) =>
        await SocketClient.ConnectAsync(SocketUri($"resource={resource}", app), await Rest(app).UserTokenAsync(await AppTokenOfAsync(app), username));
}
