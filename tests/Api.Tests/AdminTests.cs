using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Presence.Api.Tests;

/// <summary>
/// The read-only admin routes (<c>/admin/…</c>): the operator credential (Basic or header token) or a 401 that tells
/// nothing; the cluster view and a user's watcher count; off (404) outside Development when nothing is configured.
/// </summary>
public sealed class AdminTests(AdminTests.AdminFactory factory) : IClassFixture<AdminTests.AdminFactory>
{
    private const string ClusterPath = "/admin/cluster";

    private readonly GatewayClient _client = factory.CreateGatewayClient(AdminFactory.Org, AdminFactory.App);

    public static TheoryData<string> AdminPaths => new()
    {
        ClusterPath,
        $"/admin/apps/{AdminFactory.Org}/{AdminFactory.App}/users/alice/watchers",
    };

    [Theory]
    [MemberData(nameof(AdminPaths))]
    public async Task AdminRoute_Returns401WithErrorBodyAndBasicChallenge_WhenCredentialIsMissing(string path)
    {
        using var response = await _client.Http.GetAsync(path);

        await AssertRefusedAsync(response);
    }

    [Theory]
    [InlineData(AdminFactory.Username, "wrong-secret")]
    [InlineData("root", AdminFactory.Password)]
    [InlineData(AdminFactory.Username, "")]
    public async Task AdminCluster_Returns401_WhenBasicCredentialIsWrong(string username, string password)
    {
        using var response = await SendAsync(ClusterPath, Basic(username, password));

        await AssertRefusedAsync(response);
    }

    [Theory]
    [InlineData("wrong-token")]
    [InlineData(AdminFactory.Token + "x")]
    [InlineData("")]
    public async Task AdminCluster_Returns401_WhenTokenIsWrong(string token)
    {
        using var response = await SendAsync(ClusterPath, token: token);

        await AssertRefusedAsync(response);
    }

    [Fact]
    public async Task AdminCluster_Returns401_WhenAuthorizationIsMalformedOrAnAppToken()
    {
        var appToken = await _client.AppTokenAsync(AdminFactory.ClientId, AdminFactory.ClientSecret);

        using (var bearer = await SendAsync(ClusterPath, new AuthenticationHeaderValue("Bearer", appToken)))
            await AssertRefusedAsync(bearer);
        using (var notBase64 = await SendAsync(ClusterPath, new AuthenticationHeaderValue("Basic", "not base64!")))
            await AssertRefusedAsync(notBase64);
        using (var noColon = await SendAsync(ClusterPath, new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(AdminFactory.Username + AdminFactory.Password)))))
            await AssertRefusedAsync(noColon);
    }

    [Fact]
    public async Task AdminCluster_ListsTheSiloWithItsActivations_WhenBasicCredentialIsValid()
    {
        var silo = factory.Services.GetRequiredService<ILocalSiloDetails>();
        long changesBefore;
        using (var first = await SendAsync(ClusterPath, Basic(AdminFactory.Username, AdminFactory.Password)))
            changesBefore = Assert.Single((await Api.ReadJsonAsync(first, HttpStatusCode.OK)).GetProperty("silos").EnumerateArray()).GetProperty("changes").GetInt64();
        var token = await _client.AppTokenAsync(AdminFactory.ClientId, AdminFactory.ClientSecret);
        using (var set = await _client.SetPresenceAsync(token, "counted", "web_1", "1", "here"))
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);

        using var response = await SendAsync(ClusterPath, Basic(AdminFactory.Username, AdminFactory.Password));

        var json = await Api.ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["silos", "apps", "totals", "gateway", "generated_at"], Api.Names(json));
        var entry = Assert.Single(json.GetProperty("silos").EnumerateArray());
        Assert.Equal(["address", "name", "host", "status", "answered", "activations", "changes", "apps"], Api.Names(entry));
        Assert.Equal(silo.SiloAddress.ToParsableString(), Api.Str(entry, "address"));
        Assert.Equal(silo.Name, Api.Str(entry, "name"));
        Assert.Equal("Active", Api.Str(entry, "status"));
        Assert.True(entry.GetProperty("answered").GetBoolean());
        // At least the stats grain that just answered is activated on the silo.
        Assert.True(entry.GetProperty("activations").GetInt32() >= 1, entry.ToString());
        Assert.True(entry.GetProperty("changes").GetInt64() > changesBefore, $"the change is counted: {changesBefore} -> {entry}");
        Assert.Equal(JsonValueKind.Array, entry.GetProperty("apps").ValueKind);
        Assert.Equal(["changes", "online_users", "connected_devices"], Api.Names(json.GetProperty("totals")));
        Assert.Equal(["open_sockets", "events_delivered"], Api.Names(json.GetProperty("gateway")));
        Assert.Equal(GatewayFactory.Start, DateTimeOffset.Parse(Api.Str(json, "generated_at"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task AdminCluster_Answers_WhenTokenIsValid()
    {
        using var response = await SendAsync(ClusterPath, token: AdminFactory.Token);

        var json = await Api.ReadJsonAsync(response, HttpStatusCode.OK);
        var entry = Assert.Single(json.GetProperty("silos").EnumerateArray());
        Assert.Equal("Active", Api.Str(entry, "status"));
    }

    [Fact]
    public async Task AdminCluster_CountsAUserSetOnlineOverRest_InOnlineUsersOfItsApp()
    {
        // The app is this fixture's alone, so the process-wide gauges hold only this test's user for it.
        var token = await _client.AppTokenAsync(AdminFactory.ClientId, AdminFactory.ClientSecret);
        var before = await ReadClusterAsync();
        using (var set = await _client.SetPresenceAsync(token, "online1", "web_1", "1", "here"))
            await Api.AssertOkResultAsync(set);

        JsonElement cluster = default;
        await Eventually.TrueAsync(async () =>
        {
            cluster = await ReadClusterAsync();
            return OnlineUsers(cluster.GetProperty("apps")) == 1;
        }, because: $"{AdminFactory.AppKey} to show 1 online user");

        var silo = Assert.Single(cluster.GetProperty("silos").EnumerateArray());
        Assert.Equal(1, OnlineUsers(silo.GetProperty("apps")));
        var app = cluster.GetProperty("apps").EnumerateArray().Single(a => Api.Str(a, "app") == AdminFactory.AppKey);
        Assert.Equal(["app", "online_users", "connected_devices"], Api.Names(app));
        Assert.Equal(0, app.GetProperty("connected_devices").GetInt64()); // online over REST, no socket
        Assert.True(cluster.GetProperty("totals").GetProperty("online_users").GetInt64() >= 1);
        Assert.True(cluster.GetProperty("totals").GetProperty("changes").GetInt64() > before.GetProperty("totals").GetProperty("changes").GetInt64(),
            "the change is counted in totals.changes");

        using (var offline = await _client.SetPresenceAsync(token, "online1", "web_1", "0"))
            await Api.AssertOkResultAsync(offline);
        await Eventually.TrueAsync(async () => OnlineUsers((await ReadClusterAsync()).GetProperty("apps")) == 0,
            because: "the user to leave online_users");
    }

    [Fact]
    public async Task Watchers_CountsTwo_AfterTwoSubscriptions()
    {
        var token = await _client.AppTokenAsync(AdminFactory.ClientId, AdminFactory.ClientSecret);
        using (var none = await SendAsync(WatchersPath("watched1"), token: AdminFactory.Token))
            Assert.Equal("""{"count":0}""", (await Api.ReadJsonAsync(none, HttpStatusCode.OK)).GetRawText());

        using (var first = await _client.SubscribeAsync(token, "watcher1", 3600, "watched1"))
            await Api.ReadJsonAsync(first, HttpStatusCode.OK);
        using (var second = await _client.SubscribeAsync(token, "watcher2", 3600, "watched1"))
            await Api.ReadJsonAsync(second, HttpStatusCode.OK);

        using var response = await SendAsync(WatchersPath("watched1"), Basic(AdminFactory.Username, AdminFactory.Password));
        Assert.Equal("""{"count":2}""", (await Api.ReadJsonAsync(response, HttpStatusCode.OK)).GetRawText());
        // Usernames are case-insensitive, as on the presence routes.
        using var upper = await SendAsync(WatchersPath("WATCHED1"), token: AdminFactory.Token);
        Assert.Equal(2, (await Api.ReadJsonAsync(upper, HttpStatusCode.OK)).GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData("bad*name")]
    [InlineData("a%20b")]
    [InlineData("12345678901234567890123456789012345678901234567890123456789012345")]
    public async Task Watchers_Returns400_WhenUsernameIsIllegal(string username)
    {
        using var response = await SendAsync(WatchersPath(username), token: AdminFactory.Token);

        await Api.AssertIllegalArgumentAsync(response, "username is not legal: 1-64 characters of A-Z a-z 0-9 _ - .");
    }

    [Fact]
    public async Task Watchers_Returns404_WhenAppIsUnknown()
    {
        using var response = await SendAsync("/admin/apps/nobody/nothing/users/alice/watchers", token: AdminFactory.Token);

        await Api.AssertErrorAsync(response, HttpStatusCode.NotFound, "organization_application_not_found");
    }

    [Fact]
    public async Task OpenApiDocument_ListsNoAdminOrDashboardRoute()
    {
        using var response = await _client.Http.GetAsync("/openapi/v1.json");

        var json = await Api.ReadJsonAsync(response, HttpStatusCode.OK);
        var paths = json.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.NotEmpty(paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("/admin", StringComparison.Ordinal) || p.StartsWith("/dashboard", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AdminRoutesAndDashboard_Return404_WhenProductionHasNoCredential()
    {
        await using var production = new ProductionFactory();
        var http = production.CreateClient();

        foreach (var path in (string[])[ClusterPath, "/admin/apps/demo/demo/users/alice/watchers", "/dashboard/", "/dashboard/ClusterStats"])
        {
            using var anonymous = await http.GetAsync(path);
            await Api.AssertErrorAsync(anonymous, HttpStatusCode.NotFound, "service_resource_not_found", "Service resource not found");
            // The development credential means nothing outside Development.
            using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Authorization = Basic(PresenceAdminOptions.DevelopmentUsername, PresenceAdminOptions.DevelopmentPassword) } };
            using var withDevCredential = await http.SendAsync(request);
            await Api.AssertErrorAsync(withDevCredential, HttpStatusCode.NotFound, "service_resource_not_found");
        }
        Assert.False(production.Services.GetRequiredService<IOptions<PresenceAdminOptions>>().Value.IsEnabled);
    }

    [Fact]
    public async Task Dashboard_Returns404_WhenSwitchedOff_WhileTheAdminRoutesStay()
    {
        await using var noDashboard = new NoDashboardFactory();
        var http = noDashboard.CreateClient();
        var credential = Basic(PresenceAdminOptions.DevelopmentUsername, PresenceAdminOptions.DevelopmentPassword);

        using var dashboard = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/dashboard/") { Headers = { Authorization = credential } });
        using var cluster = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, ClusterPath) { Headers = { Authorization = credential } });

        await Api.AssertErrorAsync(dashboard, HttpStatusCode.NotFound, "service_resource_not_found");
        Assert.Equal(HttpStatusCode.OK, cluster.StatusCode);
        Assert.DoesNotContain(noDashboard.Services.GetServices<IIncomingGrainCallFilter>(), f => f.GetType().Namespace?.StartsWith("Orleans.Dashboard", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void Options_UseTheDevelopmentCredential_WhenNothingIsConfiguredInDevelopment()
    {
        var options = AdminOptions(Environments.Development, []);

        Assert.True(options.IsEnabled);
        Assert.True(options.UsesDevelopmentCredential);
        Assert.Equal(("admin", "admin-secret"), (options.Username, options.Password));
        Assert.Equal("X-Presence-Admin-Token", options.TokenHeader);
    }

    [Fact]
    public void Options_AreOff_WhenNothingIsConfiguredOutsideDevelopment()
    {
        var options = AdminOptions(Environments.Production, []);

        Assert.False(options.IsEnabled);
        Assert.False(options.UsesDevelopmentCredential);
        Assert.Null(options.Username);
    }

    [Fact]
    public void Options_KeepTheConfiguredToken_WithoutAddingTheDevelopmentCredential()
    {
        var options = AdminOptions(Environments.Development, new()
        {
            ["Presence:Admin:Token"] = "t0ken",
            ["Presence:Admin:TokenHeader"] = "X-Ops",
        });

        Assert.True(options.IsEnabled);
        Assert.False(options.UsesDevelopmentCredential);
        Assert.Null(options.Username);
        Assert.Equal("X-Ops", options.TokenHeader);
    }

    [Theory]
    [InlineData("short-pass1", "Presence:Admin:Password must be at least 12 characters outside Development")]
    [InlineData("admin-secret", "Presence:Admin:Password is the development password")]
    public void Options_FailValidation_WhenThePasswordIsWeakOutsideDevelopment(string password, string expected)
    {
        var error = Record.Exception(() => AdminOptions(Environments.Production, new() { ["Presence:Admin:Username"] = "ops", ["Presence:Admin:Password"] = password }));

        var validation = Assert.IsType<OptionsValidationException>(error);
        Assert.Contains(validation.Failures, f => f.Contains(expected, StringComparison.Ordinal));
        // The same password is accepted in Development, where the console and tests use short ones.
        Assert.Equal(password, AdminOptions(Environments.Development, new() { ["Presence:Admin:Username"] = "ops", ["Presence:Admin:Password"] = password }).Password);
    }

    [Fact]
    public void Options_AcceptATwelveCharacterPassword_OutsideDevelopment() =>
        Assert.True(AdminOptions(Environments.Production, new() { ["Presence:Admin:Username"] = "ops", ["Presence:Admin:Password"] = "twelve-chars" }).IsEnabled);

    [Theory]
    [InlineData("Presence:Admin:Username", "ops", "Presence:Admin:Username is set without Presence:Admin:Password")]
    [InlineData("Presence:Admin:Password", "secret", "Presence:Admin:Password is set without Presence:Admin:Username")]
    [InlineData("Presence:Admin:TokenHeader", "Bad Header", "Presence:Admin:TokenHeader must be an HTTP header name")]
    public void Options_FailValidation_WhenCredentialIsIncomplete(string key, string value, string expected)
    {
        var error = Record.Exception(() => AdminOptions(Environments.Production, new() { [key] = value }));

        var validation = Assert.IsType<OptionsValidationException>(error);
        Assert.Contains(validation.Failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    private static PresenceAdminOptions AdminOptions(string environment, Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { EnvironmentName = environment });
        services.AddLogging();
        services.AddPresenceAdmin();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<PresenceAdminOptions>>().Value;
    }

    private static string WatchersPath(string username) => $"/admin/apps/{AdminFactory.Org}/{AdminFactory.App}/users/{username}/watchers";

    private static long OnlineUsers(JsonElement apps) =>
        apps.EnumerateArray().Where(a => Api.Str(a, "app") == AdminFactory.AppKey).Sum(a => a.GetProperty("online_users").GetInt64());

    private async Task<JsonElement> ReadClusterAsync()
    {
        using var response = await SendAsync(ClusterPath, token: AdminFactory.Token);
        return await Api.ReadJsonAsync(response, HttpStatusCode.OK);
    }

    private Task<HttpResponseMessage> SendAsync(string path, AuthenticationHeaderValue? authorization = null, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = authorization;
        if (token is not null)
            request.Headers.TryAddWithoutValidation(AdminFactory.TokenHeader, token);
        return _client.Http.SendAsync(request);
    }

    internal static AuthenticationHeaderValue Basic(string username, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));

    /// <summary>A 401 in the error body with the admin's Basic challenge, and nothing about the cluster.</summary>
    internal static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        var json = await Api.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized", "Unable to authenticate (OAuth)");
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Basic", challenge.Scheme);
        Assert.Equal("realm=\"presence-admin\"", challenge.Parameter);
        var body = json.GetRawText();
        foreach (var leak in (string[])["silo", "Active", "127.0.0.1", "activations", "count"])
            Assert.DoesNotContain(leak, body, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A silo with its own app and an explicit credential: Basic <c>ops</c> / <c>ops-secret</c> and a token in <c>X-Ops-Token</c>.</summary>
    public sealed class AdminFactory : GatewayFactory
    {
        public const string Org = "admintest";
        public const string App = "console";
        public const string AppKey = Org + "/" + App;
        public const string ClientId = "admin-test-client";
        public const string ClientSecret = "admin-test-secret";
        public const string Username = "ops";
        public const string Password = "ops-secret";
        public const string Token = "ops-token-5f1c2e9a";
        public const string TokenHeader = "X-Ops-Token";

        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Presence:RateLimits:PermitLimit"] = "1000000",
            ["Presence:Apps:0:Org"] = Org,
            ["Presence:Apps:0:App"] = App,
            ["Presence:Apps:0:ClientId"] = ClientId,
            ["Presence:Apps:0:ClientSecret"] = ClientSecret,
            ["Presence:Admin:Username"] = Username,
            ["Presence:Admin:Password"] = Password,
            ["Presence:Admin:Token"] = Token,
            ["Presence:Admin:TokenHeader"] = TokenHeader,
        };
    }

    /// <summary>Production with no admin credential configured: admin is off.</summary>
    private sealed class ProductionFactory : GatewayFactory
    {
        protected override string Environment => "Production";
    }

    /// <summary>The switch is read while the silo is being built, before the factory's settings apply: a host setting.</summary>
    private sealed class NoDashboardFactory : GatewayFactory
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting(Presence.Silo.DashboardHosting.EnabledKey, "false");
        }
    }
}
