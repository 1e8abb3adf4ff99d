using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace Presence.Console.Tests;

/// <summary>
/// The web console at <c>/console</c> in a real browser against a real silo process: it signs in, shows a user changed
/// over REST, shows a live event within a second of the change, and refuses a wrong secret visibly.
/// </summary>
public sealed partial class ConsoleTests(ConsoleFixture fixture, ITestOutputHelper output) : IClassFixture<ConsoleFixture>
{
    private static readonly LocatorAssertionsToBeVisibleOptions Soon = new() { Timeout = 15_000 };

    [Fact]
    public Task Signs_in_with_client_credentials_and_shows_the_cluster_view() => WithPageAsync(async page =>
    {
        await page.GotoAsync("/console");
        await FillSignInAsync(page, ConsoleFixture.ClientSecret);
        await Screenshots.SaveAsync(page, "signin");

        await page.ClickAsync("#signin-submit");

        await Expect(page.Locator("#app-view")).ToBeVisibleAsync(Soon);
        await Expect(page.Locator("#signin-view")).ToBeHiddenAsync();
        await Expect(page.Locator("#session-app")).ToHaveTextAsync($"{ConsoleFixture.Org}/{ConsoleFixture.App}");
        await Expect(page.Locator("#session-admin")).ToContainTextAsync(ConsoleFixture.AdminUsername);
        await Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Cluster" })).ToHaveAttributeAsync("aria-selected", "true");
        // Nothing typed is kept in the page once signed in, and nothing in the browser's storage.
        await Expect(page.Locator("#signin-client-secret")).ToHaveValueAsync("");
        Assert.Equal(0, await page.EvaluateAsync<int>("() => localStorage.length + sessionStorage.length + document.cookie.length"));

        // The fixture's silo has the admin credential: the cluster view must show figures, not say it is unavailable.
        Assert.True(await fixture.ClusterViewAvailableAsync(), "GET /admin/cluster with the admin credential did not answer 200");
        // Two devices online, and some paced traffic (bounded: 40 rounds of 1–5 real changes, 200 ms apart) so that
        // the tiles and the chart show something.
        await using var phone = await fixture.ConnectDeviceAsync("cluster-1", "ios_1");
        await using var laptop = await fixture.ConnectDeviceAsync("cluster-2", "web_1");
        var users = Enumerable.Range(1, 6).Select(i => $"cluster-{i}").ToArray();
        for (var round = 0; round < 40; round++)
        {
            var changes = 1 + (int)(4 * (0.5 + 0.5 * Math.Sin(round / 3.0)));
            for (var i = 0; i < changes; i++)
                await fixture.SetStatusAsync(users[(round + i) % users.Length], "android_1", $"s{round}", "");
            await Task.Delay(200);
        }
        await Expect(page.Locator("#cluster-silos tr td.mono").First).ToContainTextAsync(new Regex(@"\d"), new() { Timeout = 5_000 });
        await Expect(page.Locator("#tile-rate")).Not.ToHaveTextAsync("–", new() { Timeout = 5_000 });
        await Expect(page.Locator("#tile-devices")).ToHaveTextAsync("2", new() { Timeout = 5_000 });
        await Expect(page.Locator("#cluster-note")).ToBeHiddenAsync();
        output.WriteLine($"cluster view: {await page.Locator("#tile-silos").TextContentAsync()} silo(s), " +
                         $"{await page.Locator("#tile-online").TextContentAsync()} online, {await page.Locator("#tile-rate").TextContentAsync()} events/s");
        await Screenshots.SaveAsync(page, "cluster");
    });

    [Fact]
    public Task Shows_a_user_changed_over_rest() => WithPageAsync(async page =>
    {
        var user = $"rest-{Guid.NewGuid().ToString("N")[..8]}";
        await fixture.SetStatusAsync(user, "web_1", "0", "");
        await fixture.SetStatusAsync(user, "android_123423453246", "busy", "in a meeting");
        var watched = Enumerable.Range(1, 12).Select(i => $"friend-{i.ToString("00", CultureInfo.InvariantCulture)}").ToArray();
        await fixture.SubscribeAsync(user, 3600, watched);
        await fixture.SubscribeAsync($"{user}-fan", 3600, user);

        await page.GotoAsync("/console");
        await SignInAsync(page);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Look up a user" }).ClickAsync();
        await page.GetByLabel("Username", new() { Exact = true }).FillAsync(user.ToUpperInvariant());
        await page.ClickAsync("#lookup-submit");

        await Expect(page.Locator("#lookup-result")).ToBeVisibleAsync(Soon);
        await Expect(page.Locator("#lookup-uid")).ToHaveTextAsync(user);
        var resources = page.Locator("#lookup-resources");
        await Expect(resources).ToContainTextAsync("android_123423453246");
        await Expect(resources).ToContainTextAsync("busy");
        await Expect(resources).ToContainTextAsync("web_1");
        await Expect(page.Locator("#lookup-ext")).ToHaveTextAsync("\"in a meeting\"");
        await Expect(page.Locator("#lookup-status-type")).ToHaveTextAsync("online");
        await Expect(page.Locator("#lookup-version")).ToHaveTextAsync(new Regex(@"^\d+$"));
        await Expect(page.Locator("#lookup-last-time")).Not.ToHaveTextAsync("never");
        await Expect(page.Locator("#sublist-total")).ToHaveTextAsync("(12)");
        await Expect(page.Locator("#sublist-page")).ToHaveTextAsync("page 1 of 2");
        await Expect(page.Locator("#sublist tr")).ToHaveCountAsync(10);
        await Expect(page.Locator("#sublist")).ToContainTextAsync("friend-01");
        await Expect(page.Locator("#lookup-watchers")).Not.ToBeEmptyAsync();
        output.WriteLine($"version {await page.Locator("#lookup-version").TextContentAsync()}, watchers: {await page.Locator("#lookup-watchers").TextContentAsync()}");
        await Screenshots.SaveAsync(page, "user");

        await page.ClickAsync("#sublist-next");
        await Expect(page.Locator("#sublist-page")).ToHaveTextAsync("page 2 of 2");
        await Expect(page.Locator("#sublist tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("#sublist")).ToContainTextAsync("friend-12");
        await Expect(page.Locator("#sublist-next")).ToBeDisabledAsync();
        await page.ClickAsync("#sublist-prev");
        await Expect(page.Locator("#sublist-page")).ToHaveTextAsync("page 1 of 2");

        // A change over REST shows on the next look-up.
        await fixture.SetStatusAsync(user, "android_123423453246", "0", "gone");
        await page.ClickAsync("#lookup-submit");
        await Expect(page.Locator("#lookup-ext")).ToHaveTextAsync("\"gone\"");
        await Expect(page.Locator("#lookup-status-type")).ToHaveTextAsync("offline");
    });

    [Fact]
    public Task Live_view_shows_an_event_within_a_second_of_a_rest_change() => WithPageAsync(async page =>
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var target = $"live-{id}";
        var other = $"live-{id}-b";
        await page.GotoAsync("/console");
        await SignInAsync(page);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Watch live" }).ClickAsync();
        await page.GetByLabel("Usernames").FillAsync($"{target}, {other}");
        await page.ClickAsync("#watch-submit");
        // Subscribed (R2) and connected: the watched users' current state is listed first.
        await Expect(page.Locator($"#events li[data-kind='snapshot'][data-uid='{target}']")).ToBeVisibleAsync(Soon);
        await Expect(page.Locator("#watching")).ToContainTextAsync(target);
        await Expect(page.Locator("#live-state")).ToContainTextAsync("Connected as console-");

        var row = page.Locator($"#events li[data-kind='presence'][data-uid='{target}']").First;
        var sentAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var clock = Stopwatch.StartNew();
        var change = fixture.SetStatusAsync(target, "ios_1", "1", "hello");
        // The row is stamped (data-received-at, the browser's Date.now()) when the frame arrives and the row is appended;
        // the same machine's clock stamped the REST call. Playwright's own round trips do not count against the second.
        await row.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 5_000 });
        var seen = clock.Elapsed;
        await change;
        var receivedAt = long.Parse((await row.GetAttributeAsync("data-received-at"))!, CultureInfo.InvariantCulture);
        output.WriteLine($"event row appended {receivedAt - sentAt} ms after the REST call started (seen by the test after {seen.TotalMilliseconds:0} ms)");
        Assert.InRange(receivedAt - sentAt, 0, 1_000);
        await Expect(row).ToContainTextAsync("ios_1=1");
        await Expect(row).ToContainTextAsync("hello");
        await Expect(row).ToHaveAttributeAsync("data-version", "1");

        // More changes: a burst of three within the coalescing window arrives merged, marked as a version gap.
        await fixture.SetStatusAsync(other, "android_1", "1", "");
        await Expect(page.Locator($"#events li[data-kind='presence'][data-uid='{other}']")).ToHaveCountAsync(1, new() { Timeout = 5_000 });
        foreach (var status in new[] { "busy", "away", "in_call" })
            await fixture.SetStatusAsync(other, "android_1", status, $"status {status}");
        var last = page.Locator($"#events li[data-kind='presence'][data-uid='{other}']").Last;
        await Expect(last).ToContainTextAsync("in_call", new() { Timeout = 5_000 });
        await Expect(last).ToHaveAttributeAsync("data-version", "4");
        if (await page.Locator($"#events li[data-kind='presence'][data-uid='{other}']").CountAsync() < 4)
            await Expect(page.Locator($"#events li.gap[data-uid='{other}']")).Not.ToHaveCountAsync(0);
        await fixture.SetStatusAsync(target, "ios_1", "0", "");
        await Expect(page.Locator($"#events li[data-kind='presence'][data-uid='{target}'][data-version='2']")).ToBeVisibleAsync(Soon);

        // The console's own R1 form (prefilled with the first watched user) makes a change that arrives as an event too.
        await Expect(page.GetByLabel("User", new() { Exact = true })).ToHaveValueAsync(target);
        await page.GetByLabel("Status", new() { Exact = true }).FillAsync("away");
        await page.GetByLabel("ext", new() { Exact = true }).FillAsync("from the console");
        await page.ClickAsync("#set-submit");
        await Expect(page.Locator("#set-result")).ToContainTextAsync("ok");
        var fromForm = page.Locator($"#events li[data-kind='presence'][data-uid='{target}'][data-version='3']");
        await Expect(fromForm).ToContainTextAsync("web_console=away", new() { Timeout = 5_000 });
        await Expect(fromForm).ToContainTextAsync("from the console");
        await Screenshots.SaveAsync(page, "live");
    });

    [Fact]
    public Task A_wrong_secret_shows_an_error() => WithPageAsync(async page =>
    {
        await page.GotoAsync("/console");
        await FillSignInAsync(page, "not-the-secret");
        await page.ClickAsync("#signin-submit");

        var alert = page.GetByRole(AriaRole.Alert);
        await Expect(page.Locator("#signin-error")).ToBeVisibleAsync(Soon);
        await Expect(alert).ToContainTextAsync("401");
        await Expect(alert).ToContainTextAsync("Unable to authenticate");
        await Expect(page.Locator("#app-view")).ToBeHiddenAsync();
        await Expect(page.Locator("#signin-view")).ToBeVisibleAsync();

        // The right secret then signs in, and the error goes away.
        await page.FillAsync("#signin-client-secret", ConsoleFixture.ClientSecret);
        await page.ClickAsync("#signin-submit");
        await Expect(page.Locator("#app-view")).ToBeVisibleAsync(Soon);
        await Expect(page.Locator("#signin-error")).ToBeHiddenAsync();
    });

    [Fact]
    public Task Signs_in_with_a_pasted_app_token() => WithPageAsync(async page =>
    {
        await page.GotoAsync("/console");
        await page.GetByLabel("Org", new() { Exact = true }).FillAsync(ConsoleFixture.Org);
        await page.GetByLabel("App", new() { Exact = true }).FillAsync(ConsoleFixture.App);
        await page.GetByRole(AriaRole.Radio, new() { Name = "App token" }).CheckAsync();
        await Expect(page.GetByLabel("Client secret", new() { Exact = true })).ToBeHiddenAsync();

        var token = page.GetByLabel("Paste the app token");
        await token.FillAsync("not-a-token");
        await page.ClickAsync("#signin-submit");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("401");

        await token.FillAsync(await fixture.AppTokenAsync());
        await page.ClickAsync("#signin-submit");
        await Expect(page.Locator("#app-view")).ToBeVisibleAsync(Soon);
        // No admin credential: the cluster view says so instead of showing figures.
        await Expect(page.Locator("#cluster-note")).ToContainTextAsync("needs the admin credential");
        await Expect(page.Locator("#session-admin")).ToHaveTextAsync("no admin credential");
    });

    [Fact]
    public async Task Serves_its_files_with_content_types_no_cache_and_a_strict_policy()
    {
        var http = fixture.Http;
        foreach (var (path, type) in new[] { ("console", "text/html"), ("console/", "text/html"), ("console/index.html", "text/html"),
                                             ("console/console.js", "text/javascript"), ("console/console.css", "text/css"),
                                             ("console/presence-web.js", "text/javascript") })
        {
            using var response = await http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
            Assert.True(response.Headers.CacheControl?.NoCache, $"{path}: Cache-Control {response.Headers.CacheControl}");
            var policy = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'none'", policy);
            Assert.Contains("script-src 'self';", policy);
            Assert.Contains("connect-src 'self' ws://", policy);
            Assert.DoesNotContain("unsafe", policy);
            Assert.Equal("nosniff", string.Join(' ', response.Headers.GetValues("X-Content-Type-Options")));
        }

        using (var missing = await http.GetAsync("console/nope.js"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            var body = JsonNode.Parse(await missing.Content.ReadAsStringAsync())!;
            Assert.Equal("service_resource_not_found", body["error"]!.GetValue<string>());
        }

        // A revalidation with the ETag is a 304.
        using var first = await http.GetAsync("console/console.js");
        using var again = new HttpRequestMessage(HttpMethod.Get, "console/console.js");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var notModified = await http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        // Not part of the API's description.
        using var openApi = await http.GetAsync("openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        Assert.DoesNotContain("/console", await openApi.Content.ReadAsStringAsync());
    }

    private static async Task FillSignInAsync(IPage page, string secret)
    {
        await page.GetByLabel("Org", new() { Exact = true }).FillAsync(ConsoleFixture.Org);
        await page.GetByLabel("App", new() { Exact = true }).FillAsync(ConsoleFixture.App);
        await page.GetByLabel("Client id", new() { Exact = true }).FillAsync(ConsoleFixture.ClientId);
        await page.GetByLabel("Client secret", new() { Exact = true }).FillAsync(secret);
        await page.GetByLabel("Admin username", new() { Exact = true }).FillAsync(ConsoleFixture.AdminUsername);
        await page.GetByLabel("Admin password", new() { Exact = true }).FillAsync(ConsoleFixture.AdminPassword);
    }

    private static async Task SignInAsync(IPage page)
    {
        await FillSignInAsync(page, ConsoleFixture.ClientSecret);
        await page.ClickAsync("#signin-submit");
        await Expect(page.Locator("#app-view")).ToBeVisibleAsync(Soon);
    }

    /// <summary>
    /// Runs <paramref name="test"/> on a fresh page; fails it on a script error or a Content-Security-Policy violation, and
    /// on failure writes the page's console, a screenshot path and the silo's last lines to the output.
    /// </summary>
    private async Task WithPageAsync(Func<IPage, Task> test)
    {
        var page = await fixture.NewPageAsync();
        var messages = new List<string>();
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            lock (messages)
            {
                messages.Add($"[{message.Type}] {message.Text}");
                if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                    violations.Add(message.Text);
            }
        };
        page.PageError += (_, error) =>
        {
            lock (messages)
            {
                messages.Add($"[pageerror] {error}");
                violations.Add(error);
            }
        };
        try
        {
            await test(page);
            lock (messages)
                Assert.True(violations.Count == 0, "script errors or CSP violations:\n" + string.Join('\n', violations));
        }
        catch
        {
            var shot = Path.Combine(AppContext.BaseDirectory, "screenshots", $"failed-{Guid.NewGuid():N}.png");
            try
            {
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot });
                output.WriteLine($"screenshot of the failure: {shot}");
            }
            catch (PlaywrightException)
            {
            }
            lock (messages)
                output.WriteLine("browser console:\n" + string.Join('\n', messages));
            output.WriteLine($"silo (port {fixture.Silo.Port}), last lines:\n{fixture.Silo.Tail(80)}");
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
