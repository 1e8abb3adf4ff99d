using Presence.Diagnostics;

namespace Presence.Grains;

/// <summary>One activation's share of the silo's gauges (online users, connected devices per app), reported as it changes.</summary>
internal sealed class PresenceGauges(string app)
{
    private bool _countedOnline;
    private int _countedDevices;

    /// <summary>Brings the gauges in line with the user's state.</summary>
    public void Report(bool online, int devices)
    {
        if (online != _countedOnline)
        {
            _countedOnline = online;
            PresenceMetrics.UserOnlineChanged(app, online);
        }
        if (devices != _countedDevices)
        {
            PresenceMetrics.DevicesChanged(app, devices - _countedDevices);
            _countedDevices = devices;
        }
    }

    /// <summary>The activation ends: its share is withdrawn.</summary>
    public void Withdraw() => Report(online: false, devices: 0);
}
