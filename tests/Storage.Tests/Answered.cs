namespace Presence.Storage.Tests;

/// <summary>
/// Retries a grain call until it answers or a deadline passes: after a silo dies, the first calls may still be routed to it
/// (or through it, as the client's gateway) until membership has declared it dead.
/// </summary>
internal static class Answered
{
    public static async Task<T> WithinAsync<T>(TimeSpan timeout, Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception exception) when (DateTime.UtcNow < deadline && exception is not Xunit.Sdk.XunitException)
            {
                await Task.Delay(delay);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
            }
        }
    }
}
