using System.Collections.Concurrent;
using System.Text;
using Presence.Cli;

namespace Presence.Api.Tests;

/// <summary>The operator's watcher (tools/presence-cli) against a real server.</summary>
public sealed class PresenceCliTests(SocketGatewayFactory factory) : IClassFixture<SocketGatewayFactory>
{
    [Fact]
    public async Task Cli_GetsATokenSubscribesAndPrintsEachChange_ThenLogsOutWhenStopped()
    {
        var output = new LinesWriter();
        Assert.True(CliOptions.TryParse(
            ["--url", factory.Address.ToString(), "--user", "cli.w", "--resource", "cli_1", "--logout", "--ext", "watching", "cli.b"],
            out var options, out var error), error);
        using var stop = new CancellationTokenSource();

        var run = Watcher.RunAsync(options, output, stop.Token);
        await Eventually.TrueAsync(() => output.Has("reply     subscribe"), because: output.ToString());
        await factory.SetPresenceAsync("cli.b", "web", "1", "hello");
        await Eventually.TrueAsync(() => output.Has("presence  cli.b online {web=1} ext=\"hello\""), because: output.ToString());
        await Eventually.TrueAsync(() => output.Has("presence  cli.w online {cli_1=1} ext=\"watching\""), because: output.ToString());
        stop.Cancel();
        var exitCode = await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, exitCode);
        Assert.Equal("logged out", output.Lines.Last());
        await factory.WaitForStatusAsync("cli.w", "cli_1", "0");
    }

    [Theory]
    [InlineData(new string[0], "--user is required")]
    [InlineData(new[] { "--user" }, "--user needs a value")]
    [InlineData(new[] { "--user", "a", "--expiry", "zero" }, "--expiry zero: unknown option or bad value")]
    public void CliOptions_ExplainWhatIsWrong_WhenArgumentsAreBad(string[] args, string expected)
    {
        Assert.False(CliOptions.TryParse(args, out _, out var error));
        Assert.Equal(expected, error);
    }

    private sealed class LinesWriter : TextWriter
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyList<string> Lines => [.. _lines];

        public override Encoding Encoding => Encoding.UTF8;

        public override void WriteLine(string? value) => _lines.Enqueue(value ?? "");

        public override Task WriteLineAsync(string? value)
        {
            WriteLine(value);
            return Task.CompletedTask;
        }

        public bool Has(string text) => _lines.Any(line => line.Contains(text, StringComparison.Ordinal));

        public override string ToString() => string.Join(Environment.NewLine, _lines);
    }
}
