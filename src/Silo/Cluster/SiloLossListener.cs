using Orleans.Runtime;

namespace Presence.Silo;

/// <summary>
/// The co-hosted API's view of membership: when another silo is stopping or dead, its grains move, so the
/// connections this silo holds are re-registered (<see cref="SiloLossSignal"/>).
/// </summary>
internal sealed class SiloLossListener(ISiloStatusOracle membership, SiloLossSignal siloLoss)
    : ILifecycleParticipant<ISiloLifecycle>, ISiloStatusListener
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloLossListener), ServiceLifecycleStage.Active,
            _ =>
            {
                membership.SubscribeToSiloStatusEvents(this);
                return Task.CompletedTask;
            },
            _ =>
            {
                membership.UnSubscribeFromSiloStatusEvents(this);
                return Task.CompletedTask;
            });

    public void SiloStatusChangeNotification(SiloAddress updatedSilo, SiloStatus status)
    {
        if (!updatedSilo.Equals(membership.SiloAddress) && status.IsTerminating())
            siloLoss.Raise();
    }
}
