using System.Diagnostics;
using System.Globalization;

namespace Presence.Cluster.Tests;

/// <summary>
/// <c>kill -9</c> of a gateway: nobody renews its devices' leases any more, so their resources go offline within the
/// orphan timeout (plus the grain's check period); devices on the other gateway are untouched.
/// </summary>
public sealed class GatewayKillTests(ShortLeaseClusterFixture fixture, ITestOutputHelper output)
    : ClusterTest(fixture, output), IClassFixture<ShortLeaseClusterFixture>
{
    private const int UsersPerGateway = 5;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The promise: offline within the orphan timeout plus one check period after the last renewal (which precedes the
    /// kill), plus this much for the offline write and the poll that sees it.
    /// </summary>
    private static readonly TimeSpan ObservationAllowance = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task DevicesOfAKilledGateway_GoOfflineWithin8sTimeoutPlus2sCheck_WhileTheOtherGatewaysDevicesStayOnline()
    {
        var prefix = Unique("gwkill");
        var (doomed, surviving) = (Cluster.Gateways[0], Cluster.Gateways[1]);
        var onDoomed = Enumerable.Range(0, UsersPerGateway).Select(i => $"{prefix}-a-{i.ToString(CultureInfo.InvariantCulture)}").ToList();
        var onSurviving = Enumerable.Range(0, UsersPerGateway).Select(i => $"{prefix}-b-{i.ToString(CultureInfo.InvariantCulture)}").ToList();
        var both = $"{prefix}-both"; // one device on each gateway
        var everyone = onDoomed.Concat(onSurviving).Append(both).ToList();

        var devices = new List<SocketDevice>();
        try
        {
            foreach (var user in onDoomed)
                devices.Add(await SocketDevice.ConnectAsync(doomed, user, "phone", await doomed.Rest.UserTokenAsync(user)));
            foreach (var user in onSurviving)
                devices.Add(await SocketDevice.ConnectAsync(surviving, user, "phone", await surviving.Rest.UserTokenAsync(user)));
            devices.Add(await SocketDevice.ConnectAsync(doomed, both, "web", await doomed.Rest.UserTokenAsync(both)));
            devices.Add(await SocketDevice.ConnectAsync(surviving, both, "phone", await surviving.Rest.UserTokenAsync(both)));
            var online = await surviving.Rest.GetPresenceOkAsync(everyone);
            Assert.All(everyone, u => Assert.DoesNotContain("=0", online[u].StatusText, StringComparison.Ordinal));

            async Task<IReadOnlyDictionary<string, UserPresence>?> ReadAsync()
            {
                var outcome = await surviving.Rest.GetPresenceAsync(everyone);
                return outcome.IsOk ? PresenceRest.ParsePresences(outcome).ToDictionary(p => p.Uid, StringComparer.Ordinal) : null;
            }
            static bool SurvivorsOnline(IReadOnlyDictionary<string, UserPresence> states, IEnumerable<string> users) =>
                users.All(u => states[u].StatusOf("phone") == "1");

            var killedAt = await doomed.Process.KillAsync();
            Log($"killed {doomed.Name}; {onDoomed.Count + 1} devices were on it, {onSurviving.Count + 1} on {surviving.Name}");

            long? offlineAt = null;
            string last = "";
            await Eventually.TrueAsync(async () =>
            {
                if (await ReadAsync() is not { } states)
                    return false;
                last = string.Join("; ", everyone.Select(u => $"{u}: {states[u].StatusText}"));
                Assert.True(SurvivorsOnline(states, onSurviving.Append(both)), $"a device on {surviving.Name} went offline: {last}");
                if (onDoomed.All(u => states[u].StatusOf("phone") == "0") && states[both].StatusOf("web") == "0")
                    offlineAt ??= Stopwatch.GetTimestamp();
                return offlineAt is not null;
            }, Deadline, $"the devices of {doomed.Name} went offline (last read: {last})");
            var took = Seconds(killedAt, offlineAt!.Value);
            Log($"the resources of {doomed.Name}'s devices were offline {took:0.00} s after the kill");

            // The other gateway's devices stay online well past the time their leases would have run out unrenewed.
            var watchUntil = ShortLeaseClusterFixture.OrphanedConnectionTimeout + ShortLeaseClusterFixture.LeaseCheckPeriod + ShortLeaseClusterFixture.LeaseRenewPeriod * 2;
            var left = watchUntil - Stopwatch.GetElapsedTime(killedAt);
            if (left > TimeSpan.Zero)
            {
                await Steadily.HoldsAsync(async () => await ReadAsync() is not { } states || SurvivorsOnline(states, onSurviving.Append(both)), left,
                    $"the devices on {surviving.Name} stay online");
            }
            Log($"the devices on {surviving.Name} were online throughout {Stopwatch.GetElapsedTime(killedAt).TotalSeconds:0.0} s after the kill");

            var promise = ShortLeaseClusterFixture.OrphanedConnectionTimeout + ShortLeaseClusterFixture.LeaseCheckPeriod;
            Assert.True(took <= (promise + ObservationAllowance).TotalSeconds,
                $"the devices of the killed gateway should be offline within {promise.TotalSeconds:0} s (+{ObservationAllowance.TotalSeconds:0} s to observe it); took {took:0.00} s");
            Assert.All(devices.Where(d => d.Node == surviving), d => Assert.False(d.Ended, $"{d.Username}'s socket on {surviving.Name} ended ({(int?)d.CloseStatus} {d.CloseDescription})"));
        }
        finally
        {
            foreach (var device in devices)
                await device.DisposeAsync();
        }
    }
}
