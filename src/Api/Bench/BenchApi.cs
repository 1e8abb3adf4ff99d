using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Presence.Diagnostics;
using Presence.Grains;

namespace Presence.Api;

/// <summary>
/// The two references bench/run.sh measures the service against, mapped only when <c>Presence:Bench:Enabled</c> is
/// true (never by default) and guarded by the operator credential, like the admin routes:
/// <list type="bullet">
/// <item><c>POST /bench/broadcast?uid=&amp;ext=</c>: one presence event of <c>uid</c> written to every socket of this
/// process the way a grain's change reaches them (<see cref="PresenceHub"/>: one frame serialized once), with no grain
/// involved — the fan-out baseline.</item>
/// <item><c>POST /bench/activate?from=&amp;count=</c>: activates <c>count</c> empty grains — the reference for memory per
/// activation.</item>
/// </list>
/// </summary>
public static class BenchApi
{
    public const string EnabledKey = "Presence:Bench:Enabled";

    private const int MaxActivationsPerCall = 10_000;
    private const int MaxExtLength = 1024;
    private static readonly IReadOnlyDictionary<string, string> BroadcastStatus = new Dictionary<string, string> { ["bench_1"] = "1" };
    private static long _broadcastVersion;

    public static IEndpointRouteBuilder MapBenchApi(this IEndpointRouteBuilder endpoints)
    {
        if (!endpoints.ServiceProvider.GetRequiredService<IConfiguration>().GetValue<bool>(EnabledKey))
            return endpoints;
        var bench = endpoints.MapGroup("/bench")
            .WithTags("Bench")
            .ExcludeFromDescription()
            .RequirePresenceAdmin();
        bench.MapPost("/broadcast", Broadcast).WithName("BenchBroadcast");
        bench.MapPost("/activate", ActivateAsync).WithName("BenchActivate");
        return endpoints;
    }

    internal static Results<Ok<BenchCountResponse>, EasemobError> Broadcast(string? uid, string? ext, PresenceHub hub)
    {
        if (uid is null || !PresenceValidation.IsValidUsername(uid))
            return EasemobError.IllegalArgument("uid is not legal: 1-64 characters of A-Z a-z 0-9 _ - .");
        if (ext is { Length: > MaxExtLength })
            return EasemobError.IllegalArgument($"ext is longer than {MaxExtLength} characters");
        // One snapshot for all, as a grain's change is one snapshot for all its watchers.
        var snapshot = new PresenceSnapshot(uid, 0, ext ?? "", BroadcastStatus, Interlocked.Increment(ref _broadcastVersion), PresenceStatusType.Online)
        {
            ChangedAtUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        };
        return TypedResults.Ok(new BenchCountResponse(hub.Broadcast(snapshot)));
    }

    internal static async Task<Results<Ok<BenchCountResponse>, EasemobError>> ActivateAsync(long? from, int? count, IGrainFactory grains)
    {
        if (from is not >= 0 || count is not (> 0 and <= MaxActivationsPerCall))
            return EasemobError.IllegalArgument($"from must be 0 or more and count 1 to {MaxActivationsPerCall}");
        var first = from.Value;
        await Task.WhenAll(Enumerable.Range(0, count.Value).Select(i => grains.GetGrain<IBareActivationGrain>(first + i).TouchAsync()));
        return TypedResults.Ok(new BenchCountResponse(count.Value));
    }
}
