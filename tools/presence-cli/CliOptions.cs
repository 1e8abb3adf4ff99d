using System.Diagnostics.CodeAnalysis;

namespace Presence.Cli;

/// <summary>Command-line settings of the watcher; <see cref="TryParse"/> explains what is wrong.</summary>
internal sealed record CliOptions
{
    public const string Usage = """
        presence-cli — watch users' presence over the real-time connection.

        usage: presence-cli --user NAME [options] [USER...]

          --url URL             gateway base address (default http://localhost:5080)
          --org ORG --app APP   the app (default demo/demo, the Development app)
          --client-id ID        app credentials used to get a user token
          --client-secret S       (default demo-client / demo-secret)
          --token TOKEN         a user token instead of the credentials
          --user NAME           who to connect as (required)
          --resource RES        this device's resource (default cli_<random>)
          --expiry SECONDS      subscription length (default 3600)
          --ext TEXT            set this custom status after connecting
          --logout              log out when stopped (Ctrl+C); otherwise the device just goes offline
          --json                print raw frames instead of one line per event
          USER...               users to subscribe to (up to 100)
        """;

    public Uri Url { get; init; } = new("http://localhost:5080");
    public string Org { get; init; } = "demo";
    public string App { get; init; } = "demo";
    public string ClientId { get; init; } = "demo-client";
    public string ClientSecret { get; init; } = "demo-secret";
    public string? Token { get; init; }
    public string User { get; init; } = "";
    public string Resource { get; init; } = $"cli_{Guid.NewGuid():N}"[..16];
    public int Expiry { get; init; } = 3600;
    public string? Ext { get; init; }
    public bool Logout { get; init; }
    public bool Json { get; init; }
    public IReadOnlyList<string> Targets { get; init; } = [];

    public static bool TryParse(IReadOnlyList<string> args, [NotNullWhen(true)] out CliOptions? options, out string? error)
    {
        options = new CliOptions();
        error = null;
        var targets = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                targets.Add(arg);
                continue;
            }
            if (arg is "--logout" or "--json")
            {
                options = arg == "--logout" ? options with { Logout = true } : options with { Json = true };
                continue;
            }
            if (i + 1 >= args.Count)
            {
                error = $"{arg} needs a value";
                break;
            }
            var value = args[++i];
            switch (arg)
            {
                case "--url" when Uri.TryCreate(value, UriKind.Absolute, out var url):
                    options = options with { Url = url };
                    break;
                case "--org": options = options with { Org = value }; break;
                case "--app": options = options with { App = value }; break;
                case "--client-id": options = options with { ClientId = value }; break;
                case "--client-secret": options = options with { ClientSecret = value }; break;
                case "--token": options = options with { Token = value }; break;
                case "--user": options = options with { User = value }; break;
                case "--resource": options = options with { Resource = value }; break;
                case "--ext": options = options with { Ext = value }; break;
                case "--expiry" when int.TryParse(value, out var expiry) && expiry > 0:
                    options = options with { Expiry = expiry };
                    break;
                default:
                    error = $"{arg} {value}: unknown option or bad value";
                    break;
            }
            if (error is not null)
                break;
        }
        if (error is null && options.User.Length == 0)
            error = "--user is required";
        if (error is not null)
        {
            options = null;
            return false;
        }
        options = options with { Targets = targets };
        return true;
    }
}
