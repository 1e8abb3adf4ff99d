using System.Data;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Presence.Grains;

namespace Presence.Api.Tests;

/// <summary>
/// A storage outage is 503 with Easemob's body, never 500, changes nothing, and ends when storage is back. The outage is
/// simulated where the silo's storage is plugged in (grain state and subscription rows), see <see cref="StorageOutage"/>.
/// </summary>
public sealed class StorageUnavailableTests
{
    [Fact]
    public async Task EveryPresenceRoute_Returns503_WhenGrainCallsFailWithStorageUnavailable()
    {
        await using var factory = new OutageFactory();
        var client = factory.CreateGatewayClient();
        var token = await client.AppTokenAsync();
        factory.Outage.GoDown();

        using var set = await client.SetPresenceAsync(token, "u1", "web", "1");
        using var subscribe = await client.SubscribeAsync(token, "u1", 60, "u2");
        using var get = await client.GetPresenceAsync(token, "u1", "u2");
        using var unsubscribe = await client.UnsubscribeAsync(token, "u1", "u2");
        using var list = await client.GetSubscriptionsAsync(token, "u1");

        foreach (var response in new[] { set, subscribe, get, unsubscribe, list })
        {
            var json = await Api.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable, "service_unavailable");
            Assert.Equal("ServiceUnavailableException", json.GetProperty("exception").GetString());
        }
        Assert.True(factory.Outage.Refused > 0, "the calls should have reached the storage that is down");
    }

    [Fact]
    public async Task PresenceRoute_Returns503_WhenGrainStorageIsDown()
    {
        await using var factory = new OutageFactory(subscriptionRows: false);
        var client = factory.CreateGatewayClient();
        var token = await client.AppTokenAsync();
        factory.Outage.GoDown();

        using var response = await client.SetPresenceAsync(token, "u1", "web", "1");

        await Api.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable, "service_unavailable");
    }

    [Fact]
    public async Task Writes_Return503AndChangeNothing_UntilStorageRecovers()
    {
        await using var factory = new OutageFactory();
        var client = factory.CreateGatewayClient();
        var token = await client.AppTokenAsync();
        using (var r = await client.SetPresenceAsync(token, "steady", "web", "1", "before"))
            await Api.AssertOkResultAsync(r);
        using (var r = await client.SubscribeAsync(token, "steady-fan", 600, "steady"))
            await Api.ReadJsonAsync(r, HttpStatusCode.OK);

        factory.Outage.GoDown();
        using (var r = await client.SetPresenceAsync(token, "steady", "web", "busy", "during"))
            await Api.AssertErrorAsync(r, HttpStatusCode.ServiceUnavailable, "service_unavailable");
        using (var r = await client.SubscribeAsync(token, "steady-fan", 600, "other"))
            await Api.AssertErrorAsync(r, HttpStatusCode.ServiceUnavailable, "service_unavailable");
        using (var r = await client.UnsubscribeAsync(token, "steady-fan", "steady"))
            await Api.AssertErrorAsync(r, HttpStatusCode.ServiceUnavailable, "service_unavailable");

        // Reads of live activations are served from memory, and show nothing of the refused writes.
        var presence = await PresenceAsync(client, token, "steady");
        Assert.Equal("before", Api.Str(presence, "ext"));
        Assert.Equal(new Dictionary<string, string> { ["web"] = "1" }, Api.StatusMap(presence));
        Assert.Equal(["steady"], await SubscriptionsAsync(client, token, "steady-fan"));

        factory.Outage.Recover();
        using (var r = await client.SetPresenceAsync(token, "steady", "web", "busy", "after"))
            await Api.AssertOkResultAsync(r);
        using (var r = await client.SubscribeAsync(token, "steady-fan", 600, "other"))
            await Api.ReadJsonAsync(r, HttpStatusCode.OK);
        presence = await PresenceAsync(client, token, "steady");
        Assert.Equal("after", Api.Str(presence, "ext"));
        Assert.Equal(new Dictionary<string, string> { ["web"] = "busy" }, Api.StatusMap(presence));
        Assert.Equal(["other", "steady"], await SubscriptionsAsync(client, token, "steady-fan"));
    }

    [Fact]
    public async Task PresenceRoute_Returns500WithErrorBody_WhenGrainHasABug()
    {
        await using var factory = new FailingGrainCallsFactory(new InvalidOperationException("bug"));
        var client = factory.CreateGatewayClient();
        var token = await client.AppTokenAsync();

        using var response = await client.GetPresenceAsync(token, "u1", "u2");

        await Api.AssertErrorAsync(response, HttpStatusCode.InternalServerError, "internal_server_error", "Internal server error");
    }

    [Fact]
    public async Task PresenceRoute_Returns500WithErrorBody_WhenTheDatabaseRejectedAStatement()
    {
        // What the silo's storage throws for a database error that is no outage: it crosses to the gateway, and is a bug.
        await using var factory = new FailingGrainCallsFactory(new DataException("PostgreSQL failed (writing rows): 42601: syntax error"));
        var client = factory.CreateGatewayClient();
        var token = await client.AppTokenAsync();

        using var response = await client.SetPresenceAsync(token, "u1", "web", "1");

        await Api.AssertErrorAsync(response, HttpStatusCode.InternalServerError, "internal_server_error", "Internal server error");
    }

    [Fact]
    public async Task Readiness_Returns503ButLivenessStays200_WhenStoragePingFails()
    {
        await using var factory = new FailingPingFactory();
        var http = factory.CreateClient();

        using var ready = await http.GetAsync("/health/ready");
        using var live = await http.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    private sealed class FailingPingFactory : GatewayFactory
    {
        protected override void ConfigureServices(IServiceCollection services) =>
            services.AddSingleton<IStorageHealth, UnavailableStorageHealth>();
    }

    private sealed class UnavailableStorageHealth : IStorageHealth
    {
        public string Backend => "test";

        public Task PingAsync(CancellationToken cancellationToken) => throw new StorageUnavailableException("database is down");
    }

    /// <summary>A silo whose storage can go down: grain state, and subscription rows unless <paramref name="subscriptionRows"/> is false.</summary>
    private sealed class OutageFactory(bool subscriptionRows = true) : GatewayFactory
    {
        public StorageOutage Outage { get; } = new();

        protected override void ConfigureServices(IServiceCollection services) => Outage.Install(services, subscriptionRows);
    }

    /// <summary>Every call to a user grain fails with <paramref name="failure"/>, raised inside the grain's turn.</summary>
    private sealed class FailingGrainCallsFactory(Exception failure) : GatewayFactory
    {
        protected override void ConfigureServices(IServiceCollection services) =>
            services.AddSingleton<IIncomingGrainCallFilter>(new FailingFilter(failure));

        private sealed class FailingFilter(Exception failure) : IIncomingGrainCallFilter
        {
            public Task Invoke(IIncomingGrainCallContext context) =>
                context.InterfaceMethod?.DeclaringType == typeof(IUserPresenceGrain) ? Task.FromException(failure) : context.Invoke();
        }
    }

    private static async Task<JsonElement> PresenceAsync(GatewayClient client, string token, string username)
    {
        using var response = await client.GetPresenceAsync(token, "viewer", username);
        return (await Api.ReadJsonAsync(response, HttpStatusCode.OK)).GetProperty("result")[0];
    }

    private static async Task<string[]> SubscriptionsAsync(GatewayClient client, string token, string username)
    {
        using var response = await client.GetSubscriptionsAsync(token, username, "?pageSize=10");
        var result = (await Api.ReadJsonAsync(response, HttpStatusCode.OK)).GetProperty("result");
        return [.. result.GetProperty("sublist").EnumerateArray().Select(s => Api.Str(s, "uid"))];
    }
}
