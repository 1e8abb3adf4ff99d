namespace Presence.Orleans.Runtime;

/// <summary>Whether this silo has started and is serving calls (readiness probes read it).</summary>
public sealed class SiloStatus
{
    private volatile bool _isActive;

    public bool IsActive => _isActive;

    internal void SetActive(bool active) => _isActive = active;
}
