namespace Presence.Cluster.Tests;

/// <summary>One cluster, one state: whichever process a request enters by, it reaches the same single activation of a user.</summary>
[Collection(DefaultClusterCollection.Name)]
public sealed class ConsistencyTests(DefaultClusterFixture fixture, ITestOutputHelper output) : ClusterTest(fixture, output)
{
    private const int UserCount = 30;

    [Fact]
    public async Task Presence_ReadsTheSameThrough2GatewaysAnd3Silos_When30UsersWereWrittenThroughOneGateway()
    {
        var prefix = Unique("same");
        var users = Enumerable.Range(0, UserCount).Select(i => $"{prefix}-{i}").ToList();
        var writer = Cluster.Gateways[0];
        var expected = new Dictionary<string, (string Resource, string Status, string Ext)>(StringComparer.Ordinal);
        for (var i = 0; i < users.Count; i++)
            expected[users[i]] = (i % 2 == 0 ? "web" : "phone", i % 3 == 0 ? "1" : $"busy-{i}", $"ext-{i}");

        await Task.WhenAll(users.Select(u => writer.Rest.SetPresenceOkAsync(u, expected[u].Resource, expected[u].Status, expected[u].Ext)));

        var readers = Cluster.Gateways.Where(g => g != writer).Concat(Cluster.Silos).ToList();
        Assert.Equal(1 + Cluster.SiloCount, readers.Count);
        IReadOnlyDictionary<string, UserPresence>? first = null;
        foreach (var reader in readers)
        {
            var states = await reader.Rest.GetPresenceOkAsync(users);
            foreach (var user in users)
            {
                var (resource, status, ext) = expected[user];
                Assert.True(states[user].Ext == ext && states[user].StatusText == $"{resource}={status}",
                    $"{reader.Name} read {states[user]} for {user}, written through {writer.Name} as {resource}={status}, ext {ext}");
            }
            if (first is null)
                first = states;
            else
                Assert.All(users, u => Assert.Equal(first[u], states[u])); // last_time too: one state, not copies
            Log($"{reader.Name}: the {users.Count} users read back as written through {writer.Name}");
        }
    }

    /// <summary>
    /// Users arrive as a stream (one every 100 ms, alternately through each gateway), as logins do. Orleans places them
    /// (ResourceOptimizedPlacement, its default since 9.0: the less loaded of two random silos, by statistics refreshed
    /// about every second); a burst of 30 activations within a few milliseconds is placed on one set of statistics, and
    /// can miss a silo entirely.
    /// </summary>
    [Fact]
    public async Task UserGrains_SpreadOverAll3SilosWithExactly1ActivationPerUser_When30UsersArriveThroughBothGateways()
    {
        var prefix = Unique("spread");
        var users = Enumerable.Range(0, UserCount).Select(i => $"{prefix}-{i}").ToList();
        var gateways = Cluster.Gateways;

        var arrivals = new RequestLoop("arrivals", TimeSpan.FromMilliseconds(100),
            n => gateways[(int)(n % gateways.Count)].Rest.SetPresenceAsync(users[(int)Math.Min(n, users.Count - 1)], "web", "1", ""));
        arrivals.Start();
        await Eventually.TrueAsync(() => arrivals.Outcomes.Count >= users.Count, TimeSpan.FromSeconds(60), $"{users.Count} users arrived");
        await arrivals.StopAsync();
        Assert.All(arrivals.Outcomes, o => Assert.True(o.IsOk, o.ToString()));
        // Read each user through every process too: a second activation would show up now.
        foreach (var node in Cluster.Silos.Concat(gateways))
            await node.Rest.GetPresenceOkAsync(users);

        var activations = await Cluster.Probe.UserActivationsAsync();
        var hosts = new Dictionary<int, int>();
        foreach (var user in users)
        {
            Assert.True(activations.TryGetValue(user, out var at), $"{user} has no activation");
            Assert.True(at.Count == 1, $"{user} has {at.Count} activations, on silo ports {string.Join(", ", at)}");
            hosts[at[0]] = hosts.GetValueOrDefault(at[0]) + 1;
        }
        var silos = Cluster.Silos;
        Log($"activations of {users.Count} users per silo: {string.Join(", ", silos.Select(s => $"{s.Name} {hosts.GetValueOrDefault(s.SiloPort!.Value)}"))}");
        Assert.Equal(3, silos.Count);
        Assert.All(silos, s => Assert.True(hosts.GetValueOrDefault(s.SiloPort!.Value) > 0,
            $"{s.Name} hosts none of the {users.Count} users: {string.Join(", ", hosts.Select(h => $"port {h.Key}: {h.Value}"))}"));
    }
}
