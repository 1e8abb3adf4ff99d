namespace Presence.WebSdk.Tests;

/// <summary>
/// The SDK's own tests (<c>clients/web/test/*.test.mjs</c>, node's test runner) against the real silo of the fixture.
/// Each file is one test here; node's report is written to the output, and a failure shows it with the silo's log.
/// </summary>
[Collection(WebSdkCollection.Name)]
public sealed class NodeTests(WebSdkFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    [Fact]
    public Task CoreClient_CallsEventsErrorsAndLogout_PassAgainstARealSilo() => RunAsync("core.test.mjs");

    [Fact]
    public Task TencentFacade_RunsTencentsSnippetsUnchanged() => RunAsync("tencent.test.mjs");

    [Fact]
    public Task EasemobFacade_RunsTheVendorsSnippetsUnchanged() => RunAsync("easemob.test.mjs");

    [Fact]
    public Task Reconnect_AfterADroppedSocketAndASiloRestart_RenewsAndCatchesUp() => RunAsync("reconnect.test.mjs");

    private async Task RunAsync(string file)
    {
        // --experimental-websocket: Node 20's global WebSocket (Node 22 has it without the flag and accepts it).
        var run = await NodeRun.RunAsync("node",
            ["--experimental-websocket", "--test", "--test-concurrency=1", Path.Combine("test", file)],
            fixture.SdkDirectory, Timeout, fixture.NodeEnvironment());
        output.WriteLine(run.Output);
        if (run.ExitCode != 0)
            output.WriteLine($"---- silo ----\n{fixture.SiloLogs}");
        Assert.True(run.ExitCode == 0, $"node --test {file} exited with {run.ExitCode}:\n{run.Output}");
        Assert.Contains("# fail 0", run.Output, StringComparison.Ordinal);
    }
}
