using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace Presence.Orleans.Gateway;

/// <summary>
/// <c>dotnet run --project src/Gateway</c>: a stateless gateway — the same HTTP and WebSocket API as a silo, served
/// by an Orleans client that hosts no grains. Its default URL, http://localhost:5081, lets it run beside a default silo.
/// </summary>
internal static class GatewayProgram
{
    public const string DefaultUrl = "http://localhost:5081";

    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey])
            && string.IsNullOrEmpty(builder.Configuration["HTTP_PORTS"]) && string.IsNullOrEmpty(builder.Configuration["HTTPS_PORTS"]))
            builder.WebHost.UseUrls(DefaultUrl);
        builder.AddPresenceClient();
        builder.AddPresenceGateway();

        var app = builder.Build();
        app.UsePresenceGateway();
        app.MapPresenceGateway();
        var stopping = app.Lifetime.ApplicationStopping;
        try
        {
            await app.RunAsync();
        }
        catch (Exception exception) when (HostStopping.IsRequestedStop(stopping, exception))
        {
            // Stopped while still connecting to the cluster: a requested stop.
        }
    }
}
