namespace Presence.Api;

/// <summary>
/// Raised when a silo of the cluster died or left: the grains it hosted are re-activated elsewhere without the
/// devices and watchers they knew, so this process re-registers its connections (see <see cref="PresenceConnectionRegistry"/>).
/// A gateway process raises it when it loses a silo connection; a silo when membership marks another silo dead.
/// </summary>
public sealed class SiloLossSignal
{
    public event Action? Raised;

    public void Raise() => Raised?.Invoke();
}
