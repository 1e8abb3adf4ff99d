using Presence.Gateway;

// A stateless gateway: the same HTTP and WebSocket API as a silo, served by an Orleans client that hosts no grains.
var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey])
    && string.IsNullOrEmpty(builder.Configuration["HTTP_PORTS"]) && string.IsNullOrEmpty(builder.Configuration["HTTPS_PORTS"]))
    builder.WebHost.UseUrls(GatewayDefaults.Url);
builder.AddPresenceHostDefaults();
builder.AddPresenceClient();
builder.Services.AddPresenceApi();

var app = builder.Build();
app.UsePresenceApi();
app.MapPresenceApi();
app.MapPresenceHostEndpoints();
var stopping = app.Lifetime.ApplicationStopping;
try
{
    await app.RunAsync();
}
catch (Exception exception) when (HostStopping.IsRequestedStop(stopping, exception))
{
    // Stopped while still connecting to the cluster: a requested stop.
}
