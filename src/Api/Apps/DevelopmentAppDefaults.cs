using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Presence.Api;

/// <summary>In Development only, serves the development app when no app is configured.</summary>
internal sealed class DevelopmentAppDefaults(IServiceProvider services) : IPostConfigureOptions<PresenceAppsOptions>
{
    public void PostConfigure(string? name, PresenceAppsOptions options)
    {
        if (options.Apps.Count > 0 || services.GetService<IHostEnvironment>()?.IsDevelopment() != true)
            return;
        options.Apps.Add(PresenceAppsOptions.DevelopmentApp());
        options.UsesDevelopmentApp = true;
    }
}
