using Presence.Orleans.Gateway;
using Presence.Orleans.Silo;

var builder = WebApplication.CreateBuilder(args);

builder.AddPresenceSilo();
builder.AddPresenceGateway();

var app = builder.Build();
app.UsePresenceGateway();
app.MapPresenceGateway();
app.Run();

/// <summary>The silo host; public so that tests can start it with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
