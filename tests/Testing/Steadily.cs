using System.Diagnostics;

namespace Presence.Testing;

/// <summary>
/// The counterpart of <see cref="Eventually"/>: checks that a condition holds on every poll for a whole period (something
/// that must not happen, watched for as long as it could happen), and fails at the first poll where it does not.
/// </summary>
public static class Steadily
{
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan period, string because, TimeSpan? pollInterval = null)
    {
        var clock = Stopwatch.StartNew();
        var interval = pollInterval ?? TimeSpan.FromMilliseconds(200);
        using var timer = new PeriodicTimer(interval);
        while (true)
        {
            if (!await condition())
                throw new InvalidOperationException($"{because}: it stopped holding after {clock.Elapsed.TotalSeconds:0.0} s of {period.TotalSeconds:0.#} s.");
            if (clock.Elapsed >= period)
                return;
            await timer.WaitForNextTickAsync();
        }
    }
}
