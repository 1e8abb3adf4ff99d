using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Presence.Grains;

namespace Presence.Api;

/// <summary>What the WebSocket endpoint needs, bound with <c>[AsParameters]</c>.</summary>
internal readonly record struct PresenceSocketServices(
    HttpContext Context,
    IGrainFactory Grains,
    ILocalPresenceSnapshots LocalSnapshots,
    IOptions<PresenceLimits> Limits,
    IOptions<PresenceSocketOptions> Options,
    PresenceConnectionRegistry Connections,
    PresenceHub Hub,
    TimeProvider Clock,
    ILoggerFactory Loggers);
