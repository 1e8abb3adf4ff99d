namespace Presence.Diagnostics;

/// <summary>
/// A grain with no state and no behaviour: the benchmarks' reference for what one Orleans activation costs in memory,
/// measured beside a user's grain in the same run (bench/run.sh, <c>mem-bare-activation</c>).
/// </summary>
[Alias("presence.IBareActivationGrain")]
public interface IBareActivationGrain : IGrainWithIntegerKey
{
    /// <summary>Does nothing; the call activates the grain.</summary>
    [Alias("Touch")]
    Task TouchAsync();
}
