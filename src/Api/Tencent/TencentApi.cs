using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Presence.Grains;

namespace Presence.Api;

/// <summary>
/// Tencent IM's REST routes (docs/api.md#tencent-interop), in Tencent's shape: <c>POST /v4/openim/query_online_status</c>.
/// The app comes from <c>sdkappid</c>, the caller is the app administrator's UserSig; every answer is HTTP 200 with
/// <c>ActionStatus</c> and <c>ErrorCode</c>, failures included.
/// </summary>
internal static partial class TencentApi
{
    public static RouteHandlerBuilder MapTencentApi(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/v4/openim/query_online_status", QueryOnlineStatusAsync)
            .WithTags("Tencent")
            .WithName("QueryOnlineStatus")
            .WithSummary("Tencent: Online/Offline of up to 500 accounts, with their online platforms when IsNeedDetail is 1")
            .AddEndpointFilter<TencentAppEndpointFilter>()
            .AddEndpointFilter<TencentRateLimitEndpointFilter>()
            .AddEndpointFilter(new AuthorizationEndpointFilter(PresencePolicies.TencentAdmin));

    internal static async Task<TencentResult> QueryOnlineStatusAsync([AsParameters] PresenceServices services, ILoggerFactory loggers)
    {
        var request = services.Request;
        var app = request.HttpContext.Features.GetRequiredFeature<PresenceAppFeature>().App;
        if (await TencentRequestBody.ReadAsync(request) is not { } body)
            return TencentResult.Fail(TencentErrorCodes.InvalidJson, $"request body is larger than {TencentRequestBody.MaxBytes} bytes");
        if (QueryOnlineStatusRequest.Parse(body, out var error) is not { } query)
            return error!;

        // Accounts that cannot be a username here go to ErrorList; the others are read once each, however often named.
        var errors = new List<TencentAccountError>();
        var users = new List<UserKey>(query.Accounts.Count);
        var readIndex = new Dictionary<string, int>(query.Accounts.Count, StringComparer.Ordinal);
        foreach (var account in query.Accounts)
        {
            if (!PresenceValidation.IsValidUsername(account))
                errors.Add(new TencentAccountError(account, TencentErrorCodes.AccountNotFound));
            else if (readIndex.TryAdd(account.ToLowerInvariant(), users.Count))
                users.Add(UserKey.Create(app.Org, app.App, account));
        }

        PresenceSnapshot[] snapshots;
        try
        {
            snapshots = await Task.WhenAll(PresenceReader.Start(services.Grains, services.LocalSnapshots, users));
        }
        catch (Exception exception) when (GrainCallFailures.IsUnavailable(exception))
        {
            LogUnavailable(loggers.CreateLogger(typeof(TencentApi).FullName!), exception, app.Key);
            return TencentResult.Fail(TencentErrorCodes.InternalError, "storage or cluster temporarily unavailable: try again later");
        }

        var results = new List<TencentAccountStatus>(query.Accounts.Count - errors.Count);
        foreach (var account in query.Accounts)
        {
            if (PresenceValidation.IsValidUsername(account) && readIndex.TryGetValue(account.ToLowerInvariant(), out var index))
                results.Add(Status(account, snapshots[index], query.NeedDetail));
        }
        return TencentResult.Ok(
            new QueryOnlineStatusResponse(TencentErrorResponse.Ok, "", 0, results, errors),
            TencentJsonContext.Default.QueryOnlineStatusResponse);
    }

    private static TencentAccountStatus Status(string account, PresenceSnapshot snapshot, bool needDetail)
    {
        var online = snapshot.StatusType == PresenceStatusType.Online;
        List<TencentPlatformStatus>? detail = null;
        if (needDetail && online)
        {
            detail = [];
            foreach (var (resource, status) in snapshot.Status.OrderBy(static pair => pair.Key, StringComparer.Ordinal))
            {
                if (status != "0")
                    detail.Add(new TencentPlatformStatus(TencentPlatforms.Of(resource), Online));
            }
        }
        return new TencentAccountStatus(account, online ? Online : Offline, detail);
    }

    private const string Online = "Online";
    private const string Offline = "Offline";

    [LoggerMessage(Level = LogLevel.Warning, Message = "{App}: query_online_status failed, storage or cluster unavailable (answered 70500)")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string app);
}
