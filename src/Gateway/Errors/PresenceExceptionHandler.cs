using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Presence.Orleans.Runtime;

namespace Presence.Orleans.Gateway;

/// <summary>
/// Turns exceptions into Easemob errors: storage down, timeouts and a stopping silo are 503; bad
/// requests the server noticed late (body too large, malformed JSON) are 413/400; anything else is
/// a bug, logged and answered 500. No client input is meant to reach that last branch.
/// </summary>
internal sealed partial class PresenceExceptionHandler(ILogger<PresenceExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
            return true; // the client went away: nobody to answer

        EasemobError error;
        if (Find<StorageUnavailableException>(exception) is { } storage)
        {
            LogStorageUnavailable(storage, httpContext.Request.Method, httpContext.Request.Path);
            error = EasemobError.ServiceUnavailable();
        }
        else if (Find<TimeoutException>(exception) is { } timeout)
        {
            LogTimedOut(timeout, httpContext.Request.Method, httpContext.Request.Path);
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
        else if (httpContext.RequestServices.GetService<SiloStatus>() is { IsActive: false })
        {
            LogSiloInactive(exception, httpContext.Request.Method, httpContext.Request.Path);
            error = EasemobError.ServiceUnavailable();
        }
        else
        {
            LogUnhandled(exception, httpContext.Request.Method, httpContext.Request.Path);
            error = EasemobError.InternalServerError();
        }
        await error.ExecuteAsync(httpContext);
        return true;
    }

    private static T? Find<T>(Exception exception) where T : Exception
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is T match)
                return match;
        }
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path}: storage unavailable, answered 503")]
    private partial void LogStorageUnavailable(Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path}: timed out, answered 503")]
    private partial void LogTimedOut(Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path}: silo is not active, answered 503")]
    private partial void LogSiloInactive(Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Bad request ({StatusCode}): {Reason}")]
    private partial void LogBadRequest(int statusCode, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path}: unhandled exception, answered 500")]
    private partial void LogUnhandled(Exception exception, string method, string path);
}
