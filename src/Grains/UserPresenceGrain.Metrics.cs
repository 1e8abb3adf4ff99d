using Presence.Orleans.Diagnostics;

namespace Presence.Orleans.Grains;

/// <summary>This activation's share of the silo's gauges (online users, connected devices per app) and its change stamp.</summary>
internal sealed partial class UserPresenceGrain
{
    private bool _countedOnline;
    private int _countedDevices;

    /// <summary>Wall-clock time of the last committed change, carried by the snapshot for the delivery-latency metric.</summary>
    private long _changedAtUnixMs;

    /// <summary>Brings the gauges in line with this activation's state; <paramref name="deactivating"/> withdraws its share.</summary>
    private void ReportGauges(bool deactivating = false)
    {
        var online = !deactivating && IsOnline();
        if (online != _countedOnline)
        {
            _countedOnline = online;
            PresenceMetrics.UserOnlineChanged(_app.Name, online);
        }
        var devices = deactivating ? 0 : DeviceCount;
        if (devices != _countedDevices)
        {
            PresenceMetrics.DevicesChanged(_app.Name, devices - _countedDevices);
            _countedDevices = devices;
        }
    }

    /// <summary>
    /// A change is being made: stamped (before its version, so any snapshot of that version carries it) with the real
    /// clock, since the latency it starts spans processes — not the grain's clock, which tests drive.
    /// </summary>
    private void StampChange() => _changedAtUnixMs = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>A change is durable: counted, and the gauges follow it.</summary>
    private void OnChangeCommitted()
    {
        PresenceMetrics.PresenceChanged(_app.Name);
        ReportGauges();
    }
}
