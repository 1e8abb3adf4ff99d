using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Presence.Silo.Tests;

/// <summary>
/// Group commit keeps the durability promise (issue 12): the silo (default grain storage: ours, which commits the writes
/// of many grains together) is killed with SIGKILL while concurrent R1 calls keep batches in flight, and every change
/// answered 200 before the kill is in the database afterwards. A change that was in flight may or may not be there.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class GroupCommitCrashTests(PostgresFixture fixture, ITestOutputHelper output) : SiloTestBase(fixture, output)
{
    private const int Users = 64;

    /// <summary>Acknowledged changes to wait for before the kill (about 30 per user), bounded in time as well.</summary>
    private const int AcknowledgedBeforeKill = 2000;

    private static readonly TimeSpan LoadBound = TimeSpan.FromSeconds(60);

    /// <summary>The load is far above the default 50 requests a second.</summary>
    private static readonly Dictionary<string, string> NoRateLimit = new() { ["Presence:RateLimits:Enabled"] = "false" };

    [Fact]
    public async Task EveryAcknowledgedChange_IsStored_WhenTheSiloIsKilledWhileBatchesAreInFlight()
    {
        var database = await NewDatabaseAsync();
        var silo = await StartSiloAsync(database, NoRateLimit);
        var users = Enumerable.Range(0, Users).Select(i => $"crash{i}").ToArray();
        // Change 0 of every user, one at a time: activations done, the app token issued.
        foreach (var user in users)
            await silo.Client.SetPresenceAsync(user, "web", "1", Ext(0));

        // Each user sends changes 1, 2, 3, … one after another (a change's ext is its number), all users at once.
        var acknowledged = new int[Users];
        var sent = new int[Users];
        var total = 0;
        var errors = new List<string>();
        var load = users.Select((user, u) => Task.Run(async () =>
        {
            for (var n = 1; ; n++)
            {
                sent[u] = n;
                HttpResponseMessage response;
                try
                {
                    response = await silo.Client.SendSetPresenceAsync(user, "web", "1", Ext(n));
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    return; // the silo died with this change in flight
                }
                using (response)
                {
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        var error = $"{user} change {n}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                        lock (errors)
                            errors.Add(error);
                        return;
                    }
                }
                acknowledged[u] = n;
                Interlocked.Increment(ref total);
            }
        })).ToArray();

        var clock = Stopwatch.StartNew();
        await Eventually.TrueAsync(() => Volatile.Read(ref total) >= AcknowledgedBeforeKill || errors.Count > 0, LoadBound, "the load to be acknowledged");
        await silo.KillAsync();
        await Task.WhenAll(load).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(errors);
        var inFlight = Enumerable.Range(0, Users).Count(u => sent[u] > acknowledged[u]);
        Output.WriteLine($"killed after {total} acknowledged changes in {clock.ElapsedMilliseconds} ms ({total * 1000.0 / clock.ElapsedMilliseconds:0}/s), {inFlight} of {Users} users with a change in flight");
        Assert.True(inFlight > 0, "the kill should have found changes in flight");

        // Straight from the table: nothing activates or writes in between.
        var storedInFlight = 0;
        for (var u = 0; u < Users; u++)
        {
            var stored = await database.StateOfAsync(users[u]);
            var ext = stored?["Ext"]?.GetValue<string>();
            Assert.NotNull(ext);
            var n = int.Parse(ext[1..], CultureInfo.InvariantCulture);
            Assert.True(n >= acknowledged[u], $"{users[u]}: change {acknowledged[u]} was acknowledged, but the database holds change {n}");
            Assert.True(n <= sent[u], $"{users[u]}: the database holds change {n}, which was never sent (last sent {sent[u]})");
            if (n > acknowledged[u])
                storedInFlight++;
        }
        Output.WriteLine($"{storedInFlight} of {inFlight} in-flight changes had committed before the kill");

        // And a silo started afterwards serves exactly that.
        silo = await StartSiloAsync(database, NoRateLimit);
        foreach (var user in users)
            Assert.Equal((await database.StateOfAsync(user))!["Ext"]!.GetValue<string>(), (await silo.Client.GetPresenceAsync(user)).Ext);
    }

    private static string Ext(int change) => $"n{change.ToString(CultureInfo.InvariantCulture)}";
}
