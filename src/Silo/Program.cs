using Presence.Silo;

var builder = WebApplication.CreateBuilder(args);

builder.AddPresenceHostDefaults();
builder.AddPresenceSilo();
builder.Services.AddPresenceApi();

var app = builder.Build();
app.UsePresenceApi();
app.MapPresenceApi();
app.MapPresenceHostEndpoints();
app.MapPresenceDashboard();
// Taken before the run: a host that failed to start is disposed by the time an exception filter runs.
var stopping = app.Lifetime.ApplicationStopping;
try
{
    app.Run();
}
catch (Exception exception) when (HostStopping.IsRequestedStop(stopping, exception))
{
    // SIGTERM while the silo was still starting (waiting for its database) cancels the start: a requested stop, exit 0.
}

/// <summary>The silo host; public so that tests can start it with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
