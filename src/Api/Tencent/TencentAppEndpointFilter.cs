using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Presence.Api;

/// <summary>
/// Finds the app of a Tencent route by the URL's <c>sdkappid</c> (an app's <c>Tencent:SdkAppId</c>) and keeps it as the
/// request's <see cref="PresenceAppFeature"/> for the rate limit and the scheme; answers in Tencent's shape when there is
/// no <c>sdkappid</c> (60012) or no app has it (70020).
/// </summary>
internal sealed class TencentAppEndpointFilter(PresenceAppRegistry apps) : IEndpointFilter
{
    public const string SdkAppIdQuery = "sdkappid";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var httpContext = context.HttpContext;
        if (httpContext.Request.Query[SdkAppIdQuery] is not [{ Length: > 0 } text])
            return ValueTask.FromResult<object?>(TencentResult.Fail(TencentErrorCodes.SdkAppIdRequired, "sdkappid is required in the URL"));
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var sdkAppId) || !apps.TryGetBySdkAppId(sdkAppId, out var app))
            return ValueTask.FromResult<object?>(TencentResult.Fail(TencentErrorCodes.SdkAppIdNotFound, "SDKAppID not found: no app is configured with this sdkappid"));
        httpContext.Features.Set(new PresenceAppFeature(app));
        return next(context);
    }
}
