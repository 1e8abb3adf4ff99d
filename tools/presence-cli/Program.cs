namespace Presence.Cli;

/// <summary>Entry point (not top-level statements: tests see this assembly's internals next to the silo's <c>Program</c>).</summary>
internal static class PresenceCli
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["-h" or "--help" or "help"])
        {
            Console.WriteLine(CliOptions.Usage);
            return 0;
        }
        if (!CliOptions.TryParse(args, out var options, out var error))
        {
            await Console.Error.WriteLineAsync(error);
            await Console.Error.WriteLineAsync(CliOptions.Usage);
            return 64;
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true; // close the socket cleanly instead of dying
            stop.Cancel();
        };
        try
        {
            return await Watcher.RunAsync(options, Console.Out, stop.Token);
        }
        catch (Exception exception) when (exception is HttpRequestException or System.Net.WebSockets.WebSocketException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"presence-cli: {exception.Message}");
            return 1;
        }
    }
}
