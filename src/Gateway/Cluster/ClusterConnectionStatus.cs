namespace Presence.Gateway;

/// <summary>
/// How many silos (Orleans gateways) this client is connected to, as Orleans reports it. The gateway process is
/// ready only while it is connected to at least one.
/// </summary>
internal sealed class ClusterConnectionStatus(SiloLossSignal siloLoss) : IClusterConnectionStatusObserver
{
    private int _connectedGateways;

    public bool IsConnected => Volatile.Read(ref _connectedGateways) > 0;

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        Volatile.Write(ref _connectedGateways, currentNumberOfGateways);
        if (currentNumberOfGateways < previousNumberOfGateways)
            siloLoss.Raise(); // fewer silos: grains may have moved
    }

    public void NotifyClusterConnectionLost()
    {
        Volatile.Write(ref _connectedGateways, 0);
        siloLoss.Raise(); // fewer silos: grains may have moved
    }
}
