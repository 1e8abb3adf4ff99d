using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Presence.Grains;

namespace Presence.Api.Tests;

/// <summary>Hundreds of overlapping calls in parallel leave both ends of every subscription in agreement.</summary>
public sealed class ConcurrencyTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private const int UserCount = 12;
    private const int CallCount = 400;

    [Fact]
    public async Task Subscriptions_AgreeWithWatchers_AfterParallelSetSubscribeAndUnsubscribe()
    {
        var client = factory.CreateGatewayClient();
        var token = await client.AppTokenAsync();
        var users = Enumerable.Range(0, UserCount).Select(i => $"cc{i}").ToArray();
        var random = new Random(42);
        var plan = Enumerable.Range(0, CallCount).Select(_ => NextCall(random, users)).ToList();

        var responses = await Task.WhenAll(plan.Select(call => call(client, token)));

        var failed = responses.Where(r => r.StatusCode != HttpStatusCode.OK).Select(r => (int)r.StatusCode).ToList();
        foreach (var response in responses)
            response.Dispose();
        Assert.Empty(failed);

        var grains = factory.Services.GetRequiredService<IGrainFactory>();
        var watchers = new Dictionary<string, HashSet<string>>();
        foreach (var user in users)
        {
            var entries = await grains.GetUserGrain(UserKey.Create("demo", "demo", user)).GetWatchersAsync();
            watchers[user] = entries.Select(e => e.Uid).ToHashSet();
        }
        var totalSubscriptions = 0;
        foreach (var user in users)
        {
            using var response = await client.GetSubscriptionsAsync(token, user, "?pageSize=500");
            var result = (await Api.ReadJsonAsync(response, HttpStatusCode.OK)).GetProperty("result");
            var subscribed = result.GetProperty("sublist").EnumerateArray().Select(s => Api.Str(s, "uid")).ToHashSet();
            var watched = users.Where(target => watchers[target].Contains(user)).ToHashSet();
            Assert.True(watched.SetEquals(subscribed), $"{user}: sublist [{string.Join(",", subscribed.Order())}] but watcher of [{string.Join(",", watched.Order())}]");
            Assert.Equal(subscribed.Count.ToString(), Api.Str(result, "totalnum"));
            totalSubscriptions += subscribed.Count;
        }
        Assert.True(totalSubscriptions > 0, "the plan should leave some subscriptions in place");
    }

    private static Func<GatewayClient, string, Task<HttpResponseMessage>> NextCall(Random random, string[] users)
    {
        var user = users[random.Next(users.Length)];
        var others = users.Where(u => u != user).OrderBy(_ => random.Next()).Take(random.Next(1, 5)).ToArray();
        var expiry = random.Next(60, 3600);
        var status = random.Next(3) switch { 0 => "0", 1 => "1", _ => "busy" };
        var resource = $"web_{random.Next(3)}";
        return random.Next(10) switch
        {
            < 3 => (c, t) => c.SetPresenceAsync(t, user.ToUpperInvariant(), resource, status, "e"),
            < 8 => (c, t) => c.SubscribeAsync(t, user, expiry, others),
            8 => (c, t) => c.UnsubscribeAsync(t, user, others),
            _ => (c, t) => c.UnsubscribeAsync(t, user),
        };
    }
}
