using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Presence.Api;

/// <summary>
/// An answer of a Tencent route: always HTTP 200 with <c>ActionStatus</c>, <c>ErrorCode</c> and <c>ErrorInfo</c> in the
/// body, as Tencent's REST API answers, success and failure alike.
/// </summary>
internal sealed class TencentResult : IResult, IStatusCodeHttpResult
{
    private readonly Func<HttpContext, Task> _write;

    private TencentResult(Func<HttpContext, Task> write) => _write = write;

    public int? StatusCode => StatusCodes.Status200OK;

    /// <summary>When set, written as <c>Retry-After</c> (whole seconds, at least 1).</summary>
    public TimeSpan? RetryAfter { get; private init; }

    public static TencentResult Ok<T>(T body, JsonTypeInfo<T> typeInfo) =>
        new(context => context.Response.WriteAsJsonAsync(body, typeInfo, contentType: "application/json", context.RequestAborted));

    public static TencentResult Fail(int errorCode, string errorInfo) =>
        Ok(new TencentErrorResponse(TencentErrorResponse.Fail, errorInfo, errorCode), TencentJsonContext.Default.TencentErrorResponse);

    public static TencentResult Fail(UserSigVerdict verdict) => Fail((int)verdict, TencentErrorCodes.Describe(verdict));

    public static TencentResult RateLimited(TimeSpan retryAfter) =>
        new(Fail(TencentErrorCodes.RateLimited, "REST API calls over the app's limit for this route: slow down")._write) { RetryAfter = retryAfter };

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        if (response.HasStarted)
            return Task.CompletedTask;
        response.StatusCode = StatusCodes.Status200OK;
        if (RetryAfter is { } retryAfter)
            response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return _write(httpContext);
    }
}
