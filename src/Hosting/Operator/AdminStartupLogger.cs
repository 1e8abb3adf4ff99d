using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Presence.Hosting;

/// <summary>Says once at start whether the admin routes (and a silo's dashboard) are on, and loudly when with the development credential.</summary>
internal sealed partial class AdminStartupLogger(
    IOptions<PresenceAdminOptions> options,
    IHostEnvironment environment,
    ILogger<AdminStartupLogger> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var admin = options.Value;
        if (admin.UsesDevelopmentCredential)
            LogDevelopmentCredential(environment.EnvironmentName, admin.Username!, admin.Password!, admin.TokenHeader);
        else if (!admin.IsEnabled)
            LogAdminOff(environment.EnvironmentName);
        else
            LogAdminOn(admin.HasBasic ? "HTTP Basic" : "-", admin.HasToken ? admin.TokenHeader : "-");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "No admin credential is configured in Presence:Admin; the admin routes and the dashboard use the {Environment} credential (user '{Username}', password '{Password}'; no {TokenHeader} token). Configure Presence:Admin outside Development.")]
    private partial void LogDevelopmentCredential(string environment, string username, string password, string tokenHeader);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "No admin credential is configured in Presence:Admin ({Environment}): /admin and /dashboard are off (404)")]
    private partial void LogAdminOff(string environment);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin routes and the dashboard require the operator credential (Basic: {Basic}; token header: {TokenHeader})")]
    private partial void LogAdminOn(string basic, string tokenHeader);
}
