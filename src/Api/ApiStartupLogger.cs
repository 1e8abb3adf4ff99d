using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Presence.Api;

/// <summary>Says at start which apps are served, and loudly when it is the development app.</summary>
internal sealed partial class ApiStartupLogger(
    IOptions<PresenceAppsOptions> options,
    PresenceAppRegistry apps,
    IHostEnvironment environment,
    ILogger<ApiStartupLogger> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.UsesDevelopmentApp)
        {
            var dev = options.Value.Apps[0];
            LogDevelopmentApp(environment.EnvironmentName, dev.Org, dev.App, dev.ClientId, dev.ClientSecret);
        }
        else if (apps.Apps.Count == 0)
        {
            LogNoApps(environment.EnvironmentName);
        }
        else
        {
            LogApps(apps.Apps.Count, string.Join(", ", apps.Apps.Select(a => a.Key)));
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "No app is configured in Presence:Apps; serving the {Environment} app org '{Org}' app '{App}' (client id '{ClientId}', client secret '{ClientSecret}'). Configure Presence:Apps outside Development.")]
    private partial void LogDevelopmentApp(string environment, string org, string app, string clientId, string clientSecret);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No app is configured in Presence:Apps ({Environment}): every request to /{{org}}/{{app}} is answered 404")]
    private partial void LogNoApps(string environment);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving {Count} apps: {Apps}")]
    private partial void LogApps(int count, string apps);
}
