using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Presence.Grains;

namespace Presence.Api;

/// <summary>What every presence handler needs, bound with <c>[AsParameters]</c>.</summary>
internal readonly record struct PresenceServices(
    HttpRequest Request, IGrainFactory Grains, ILocalPresenceSnapshots LocalSnapshots, IOptions<PresenceLimits> Limits)
{
    public IUserPresenceGrain User(string org, string app, string username) =>
        Grains.GetUserGrain(UserKey.Create(org, app, username));
}
