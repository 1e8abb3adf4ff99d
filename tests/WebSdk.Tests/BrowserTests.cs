using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Presence.WebSdk.Tests;

/// <summary>
/// The built module in a real browser (Debian's Chromium through Playwright, as tests/Console.Tests): loaded from the
/// silo, where the console serves it, it logs in with a user token, subscribes, and receives a REST change as an event.
/// </summary>
[Collection(WebSdkCollection.Name)]
public sealed class BrowserTests(WebSdkFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Debian's Chromium (<c>apt-get install chromium</c>); Playwright's own browsers are never installed.</summary>
    private const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: apt-get update && apt-get install -y chromium.");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
    }

    [Fact]
    public async Task BuiltModule_InChromium_ReceivesAPresenceEvent()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var (me, target) = ($"browser-{id}", $"watched-{id}");
        using var http = new HttpClient { BaseAddress = fixture.Silo.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var appToken = await TokenAsync(http, null, new JsonObject
        {
            ["grant_type"] = "client_credentials", ["client_id"] = WebSdkFixture.ClientId, ["client_secret"] = WebSdkFixture.ClientSecret,
        });
        var userToken = await TokenAsync(http, appToken, new JsonObject { ["grant_type"] = "inherit", ["username"] = me, ["ttl"] = 3600 });

        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = fixture.Silo.BaseAddress.ToString() });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        page.Console += (_, message) => output.WriteLine($"[browser] {message.Text}");
        // The console's page: the module comes from the same origin, under the console's strict Content-Security-Policy.
        await page.GotoAsync("/console");
        var subscribed = await page.EvaluateAsync<string>(
            """
            async ([me, token, target]) => {
              const { create, TIM } = await import('/console/presence-web.js');
              const client = create({ url: location.origin, org: 'demo', app: 'demo' });
              window.received = [];
              client.on('presence', (p) => window.received.push(p));
              await client.login({ userID: me, token, resource: 'web_browser' });
              const { result } = await client.subscribe([target], 600);
              window.statusTypeOnline = TIM.TYPES.USER_STATUS_ONLINE;
              return result[0].uid;
            }
            """, new[] { me, userToken, target });
        Assert.Equal(target, subscribed);

        using var change = new HttpRequestMessage(HttpMethod.Post, $"{WebSdkFixture.Org}/{WebSdkFixture.App}/users/{target}/presence/ios_1/1")
        {
            Content = JsonContent.Create(new JsonObject { ["ext"] = "seen in a browser" }),
        };
        change.Headers.Authorization = new AuthenticationHeaderValue("Bearer", appToken);
        using var changed = await http.SendAsync(change);
        Assert.True(changed.IsSuccessStatusCode, await changed.Content.ReadAsStringAsync());

        await page.WaitForFunctionAsync($"() => window.received.some((p) => p.uid === '{target}' && p.ext === 'seen in a browser')");
        var status = await page.EvaluateAsync<string>($"() => window.received.find((p) => p.uid === '{target}' && p.ext === 'seen in a browser').status.ios_1");
        Assert.Equal("1", status);
        await context.CloseAsync();
    }

    private static async Task<string> TokenAsync(HttpClient http, string? bearer, JsonObject body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{WebSdkFixture.Org}/{WebSdkFixture.App}/token") { Content = JsonContent.Create(body) };
        if (bearer is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"token: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!["access_token"]!.GetValue<string>();
    }
}
