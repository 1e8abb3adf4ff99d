namespace Presence.Orleans.Runtime;

/// <summary>Settings of the activation runtime, bound from <c>Presence:Runtime</c>.</summary>
public sealed class GrainRuntimeOptions
{
    public const string SectionName = "Presence:Runtime";

    /// <summary>An activation idle for this long is collected (Orleans' default is 15 minutes).</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the collector looks for idle activations.</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the reminder service reads due reminders.</summary>
    public TimeSpan ReminderPollPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many due reminders one poll delivers at most.</summary>
    public int ReminderBatchSize { get; set; } = 1000;

    /// <summary>A call's turn that runs longer than this is logged as a warning.</summary>
    public TimeSpan TurnWarningThreshold { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A call not answered within this much real time fails with <see cref="TimeoutException"/> (Orleans'
    /// ResponseTimeout), so no caller waits forever on a stuck grain. Measured on the system clock, not the
    /// injected one, because it guards against real hangs.
    /// </summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long shutdown waits for activations to deactivate.</summary>
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
