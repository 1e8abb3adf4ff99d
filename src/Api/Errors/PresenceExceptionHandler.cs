using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Presence.Api;

/// <summary>
/// Turns exceptions into Easemob errors: storage down, timeouts and cluster failures are 503 (see <see cref="GrainCallFailures"/>); bad
/// requests the server noticed late (body too large, malformed JSON) are 413/400; anything else is
/// a bug, logged and answered 500. No client input is meant to reach that last branch.
/// </summary>
internal sealed partial class PresenceExceptionHandler(ILogger<PresenceExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (httpContext.RequestAborted.IsCancellationRequested)
            return true; // the client went away (whatever failed because of it): nobody to answer

        EasemobError error;
        if (GrainCallFailures.IsUnavailable(exception))
        {
            LogUnavailable(exception, httpContext.Request.Method, httpContext.Request.Path);
            error = EasemobError.ServiceUnavailable();
        }
        else if (exception is BadHttpRequestException badRequest)
        {
            LogBadRequest(badRequest.StatusCode, badRequest.Message);
            error = badRequest.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? EasemobError.RequestEntityTooLarge()
                : EasemobError.IllegalArgument("Bad request");
        }
        else if (exception is JsonException)
        {
            error = EasemobError.IllegalArgument(JsonRequestBody.InvalidJsonDescription);
        }
        else
        {
            LogUnhandled(exception, httpContext.Request.Method, httpContext.Request.Path);
            error = EasemobError.InternalServerError();
        }
        await error.ExecuteAsync(httpContext);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path}: storage or cluster unavailable, answered 503")]
    private partial void LogUnavailable(Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Bad request ({StatusCode}): {Reason}")]
    private partial void LogBadRequest(int statusCode, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path}: unhandled exception, answered 500")]
    private partial void LogUnhandled(Exception exception, string method, string path);
}
