using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Presence.Hosting;

/// <summary>In Development only, the credential <c>admin</c> / <c>admin-secret</c> when none is configured.</summary>
internal sealed class DevelopmentAdminDefaults(IServiceProvider services) : IPostConfigureOptions<PresenceAdminOptions>
{
    public void PostConfigure(string? name, PresenceAdminOptions options)
    {
        if (!options.IsUnset || services.GetService<IHostEnvironment>()?.IsDevelopment() != true)
            return;
        options.Username = PresenceAdminOptions.DevelopmentUsername;
        options.Password = PresenceAdminOptions.DevelopmentPassword;
        options.UsesDevelopmentCredential = true;
    }
}
