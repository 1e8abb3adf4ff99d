namespace Presence.Orleans.Runtime;

/// <summary>Why an activation is going away.</summary>
public enum DeactivationReason
{
    /// <summary>Idle for longer than the collection age.</summary>
    Idle,
    /// <summary>The grain asked for it (<see cref="Grain.DeactivateOnIdle"/>).</summary>
    Requested,
    /// <summary>A state write was rejected as stale: this activation is a fenced duplicate.</summary>
    InconsistentState,
    /// <summary>Activation failed (state could not be loaded, or OnActivateAsync threw).</summary>
    ActivationFailed,
    /// <summary>The silo is shutting down.</summary>
    Shutdown,
}
