using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Storage;
using Presence.Webhooks;

namespace Presence.Storage.Tests;

/// <summary>
/// The webhook outbox on a real PostgreSQL, as a silo wires it: rows committed by the grain state's own write (and only
/// when that write commits), read in commit order, leased to one sender, moved to the failed storage and back.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class WebhookOutboxTests(PostgresFixture fixture)
{
    private const string ServiceId = "webhook-outbox-tests";
    private const string StateName = UserPresenceGrain.StateName;

    private readonly string _run = Guid.NewGuid().ToString("N")[..6];

    [Fact]
    public async Task EventsOfAStateWrite_AreCommittedWithIt_InOrder_AndNotWhenTheWriteLosesItsVersion()
    {
        await using var silo = await Silo.StartAsync(await fixture.DatabaseForAsync(GetType()));
        var rule = $"acme/chat/{_run}";
        var alice = GrainId.Create(UserPresenceGrain.GrainTypeName, $"acme/chat/alice-{_run}");
        var state = new GrainState<UserPresenceState>(new UserPresenceState { Ext = "one" });
        state.State!.SetPendingWebhooks([Event(rule, "alice", WebhookEventKind.Replaced), Event(rule, "alice", WebhookEventKind.Login)]);
        await silo.Storage.WriteStateAsync(StateName, alice, state);

        var stale = new GrainState<UserPresenceState>(new UserPresenceState { Ext = "stale" }) { ETag = "0" };
        stale.State!.SetPendingWebhooks([Event(rule, "alice", WebhookEventKind.Logout)]);
        await Assert.ThrowsAsync<InconsistentStateException>(() => silo.Storage.WriteStateAsync(StateName, alice, stale));

        state.State!.SetPendingWebhooks(null);
        await silo.Storage.WriteStateAsync(StateName, alice, state); // a plain write adds nothing

        var rows = await silo.Outbox.ReadAsync(rule, [], 10, CancellationToken.None);
        Assert.Equal([WebhookEventKind.Replaced, WebhookEventKind.Login], rows.Select(static r => r.Event.Kind));
        Assert.True(rows[0].Sequence < rows[1].Sequence);
        Assert.Equal("alice", rows[0].Event.Username);
        Assert.Single(await silo.Outbox.ReadAsync(rule, [rows[0].Sequence], 10, CancellationToken.None));
    }

    [Fact]
    public async Task Lease_IsHeldByOneOwner_UntilItExpires()
    {
        await using var silo = await Silo.StartAsync(await fixture.DatabaseForAsync(GetType()));
        var rule = $"acme/chat/lease-{_run}";

        Assert.True(await silo.Outbox.TryLeaseAsync(rule, "a", TimeSpan.FromSeconds(1), CancellationToken.None));
        Assert.False(await silo.Outbox.TryLeaseAsync(rule, "b", TimeSpan.FromSeconds(1), CancellationToken.None));
        Assert.True(await silo.Outbox.TryLeaseAsync(rule, "a", TimeSpan.FromSeconds(1), CancellationToken.None)); // renewed
        await Eventually.TrueAsync(() => silo.Outbox.TryLeaseAsync(rule, "b", TimeSpan.FromSeconds(10), CancellationToken.None), because: "a's lease to expire");
        Assert.False(await silo.Outbox.TryLeaseAsync(rule, "a", TimeSpan.FromSeconds(1), CancellationToken.None));
    }

    [Fact]
    public async Task FailedCallbacks_AreListedPerRule_AndRetriedWithTheirIds_InTheirOrder()
    {
        await using var silo = await Silo.StartAsync(await fixture.DatabaseForAsync(GetType()));
        var rule = $"acme/chat/failed-{_run}";
        var events = Enumerable.Range(0, 5).Select(i => Event(rule, $"u{i}", WebhookEventKind.Login)).ToList();
        await silo.Outbox.AppendAsync(events, CancellationToken.None);
        var rows = await silo.Outbox.ReadAsync(rule, [], 10, CancellationToken.None);

        await silo.Outbox.MoveToFailedAsync(rows.Take(3).Select(static r => r.Sequence).ToList(), "HTTP 503", CancellationToken.None);
        Assert.Equal(1, await silo.Outbox.TrimAsync(rule, 1, CancellationToken.None)); // one of the two left does not fit

        var failed = Assert.Single(await silo.Outbox.FailedAsync("acme", "chat", CancellationToken.None), f => f.Rule == rule);
        Assert.Equal(4, failed.Count);
        Assert.Equal(4, await silo.Outbox.RetryFailedAsync("acme", "chat", CancellationToken.None));
        var again = await silo.Outbox.ReadAsync(rule, [], 10, CancellationToken.None);
        Assert.Equal([events[3].Id, events[0].Id, events[1].Id, events[2].Id, events[4].Id], again.Select(static r => r.Event.Id));
        Assert.Empty(await silo.Outbox.FailedAsync("acme", "chat", CancellationToken.None));
    }

    [Fact]
    public async Task PauseAndResume_AreShared_AndResumeClearsTheSuspension()
    {
        await using var silo = await Silo.StartAsync(await fixture.DatabaseForAsync(GetType()));
        var rule = $"acme/chat/pause-{_run}";
        await silo.Outbox.TryLeaseAsync(rule, "a", TimeSpan.FromSeconds(10), CancellationToken.None);
        await silo.Outbox.ReportAsync(new WebhookRuleStatus { Rule = rule, FailuresInWindow = 90, SuspendedUntil = DateTimeOffset.UtcNow.AddMinutes(5) }, CancellationToken.None);
        await silo.Outbox.SetPausedAsync(rule, true, CancellationToken.None);
        var paused = (await silo.Outbox.StatusAsync(CancellationToken.None)).Single(s => s.Rule == rule);
        Assert.True(paused.Paused);
        Assert.NotNull(paused.SuspendedUntil);
        Assert.Equal("a", paused.Sender);

        await silo.Outbox.SetPausedAsync(rule, false, CancellationToken.None);

        var resumed = (await silo.Outbox.StatusAsync(CancellationToken.None)).Single(s => s.Rule == rule);
        Assert.False(resumed.Paused);
        Assert.Null(resumed.SuspendedUntil);
        Assert.NotNull(resumed.ResumedAt);
    }

    private static WebhookEvent Event(string rule, string user, WebhookEventKind kind) => new()
    {
        Id = Guid.CreateVersion7(),
        Rule = rule,
        Org = "acme",
        App = "chat",
        Username = user,
        Resource = "web",
        Kind = kind,
        OccurredAtMs = 1700000000000,
    };

    /// <summary>A silo's services (built, not started) with the schema applied.</summary>
    private sealed class Silo(IHost host) : IAsyncDisposable
    {
        public IGrainStorage Storage { get; } = host.Services.GetRequiredKeyedService<IGrainStorage>(UserPresenceGrain.StorageName);

        public IWebhookOutbox Outbox { get; } = host.Services.GetRequiredService<IWebhookOutbox>();

        public static async Task<Silo> StartAsync(string connectionString)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = Environments.Development });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Presence:Storage:Provider"] = "Postgres",
                ["ConnectionStrings:Presence"] = connectionString,
            });
            builder.UseOrleans(silo => silo.UseLocalhostClustering(serviceId: ServiceId).AddPresence(builder.Configuration));
            var host = builder.Build();
            await PostgresSchemaInitializer.ApplyAsync(host.Services.GetRequiredService<PostgresDatabase>(), CancellationToken.None);
            return new Silo(host);
        }

        public async ValueTask DisposeAsync()
        {
            if (host is IAsyncDisposable disposable)
                await disposable.DisposeAsync();
            else
                host.Dispose();
        }
    }
}
