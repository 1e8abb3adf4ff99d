using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Presence.Api;

/// <summary>The one writer of Easemob's error body.</summary>
internal static class EasemobErrorWriter
{
    public static Task WriteAsync(HttpContext context, EasemobError error)
    {
        var response = context.Response;
        if (response.HasStarted)
            return Task.CompletedTask; // too late to change the answer; the connection is aborted upstream

        response.StatusCode = error.StatusCode;
        if (error.RetryAfter is { } retryAfter)
        {
            var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
            response.Headers[HeaderNames.RetryAfter] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (error.Challenge is { } challenge)
            response.Headers[HeaderNames.WWWAuthenticate] = challenge;
        var clock = context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
        var body = new ErrorResponse(error.Error, error.Exception, clock.GetUtcNow().ToUnixTimeMilliseconds(), 0, error.Description);
        return response.WriteAsJsonAsync(body, GatewayJsonContext.Default.ErrorResponse, contentType: "application/json", context.RequestAborted);
    }
}
