namespace Presence.Orleans.Bench;

/// <summary>
/// Fan-out: one target user, N subscribers each holding a WebSocket, the target changing status at a fixed rate;
/// measures change-to-delivery latency and events delivered per second. Skipped while the silo has no
/// real-time endpoint (the WebSocket route answers 404).
/// </summary>
internal static class FanoutScenario
{
    public static async Task<int> RunAsync(BenchArgs options)
    {
        var result = new ScenarioResult { Id = options.Get("id"), Name = options.Get("name"), Kind = "fanout", Unit = "events/s" };
        using var rest = BenchCommands.Rest(options, 4);
        var userToken = await rest.UserTokenAsync(options.Get("token"), "fanprobe");
        var (status, _) = await rest.GetAsync($"{rest.Prefix}/ws?resource=probe", userToken, CancellationToken.None);
        if (status == 404)
        {
            result.Status = ScenarioResult.Skipped;
            result.Note = "skipped: real-time endpoint not available";
            return BenchCommands.Finish(options, result);
        }
        result.Status = ScenarioResult.Skipped;
        result.Note = "skipped: the WebSocket client is not written yet";
        return BenchCommands.Finish(options, result);
    }
}
