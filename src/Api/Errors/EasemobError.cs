using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Presence.Api;

/// <summary>
/// An error answer in Easemob's shape (docs/api.md#errors): status code, <c>error</c>, <c>exception</c> and
/// <c>error_description</c>. It is a typed result, so handlers return it next to their success type,
/// and every failure path (validation, filters, exception handler, status-code pages) writes it
/// through the one <see cref="EasemobErrorWriter"/>.
/// </summary>
internal sealed class EasemobError : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    public const string UnauthorizedDescription = "Unable to authenticate (OAuth)";
    public const string ReachLimitDescription = "This request has reached api limit";

    private EasemobError(int statusCode, string error, string exception, string description)
    {
        StatusCode = statusCode;
        Error = error;
        Exception = exception;
        Description = description;
    }

    public int StatusCode { get; }

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    /// <summary>The <c>error</c> field, a stable snake_case code.</summary>
    public string Error { get; }

    /// <summary>The <c>exception</c> field, the name of the server-side exception (as Easemob's Java names).</summary>
    public string Exception { get; }

    /// <summary>The <c>error_description</c> field; SDKs match on some of them byte for byte.</summary>
    public string Description { get; }

    /// <summary>When set (on a 401), written as the <c>WWW-Authenticate</c> header.</summary>
    public string? Challenge { get; private init; }

    /// <summary>When set, written as the <c>Retry-After</c> header (whole seconds, at least 1).</summary>
    public TimeSpan? RetryAfter { get; private init; }

    public static EasemobError IllegalArgument(string description) =>
        new(StatusCodes.Status400BadRequest, "illegal_argument", "java.lang.IllegalArgumentException", description);

    /// <param name="challenge">The <c>WWW-Authenticate</c> header: a bearer token on the presence routes; the admin routes ask for Basic.</param>
    public static EasemobError Unauthorized(string challenge = "Bearer") =>
        new(StatusCodes.Status401Unauthorized, "unauthorized", "EasemobSecurityException", UnauthorizedDescription) { Challenge = challenge };

    public static EasemobError Forbidden(string description) =>
        new(StatusCodes.Status403Forbidden, "forbidden", "EasemobForbiddenException", description);

    public static EasemobError AppNotFound(string org, string app) =>
        new(StatusCodes.Status404NotFound, "organization_application_not_found", "OrganizationApplicationNotFoundException",
            $"Could not find application for {Truncate(org)}/{Truncate(app)}");

    public static EasemobError ResourceNotFound() =>
        new(StatusCodes.Status404NotFound, "service_resource_not_found", "ServiceResourceNotFoundException", "Service resource not found");

    public static EasemobError MethodNotAllowed() =>
        new(StatusCodes.Status405MethodNotAllowed, "unsupported_service_operation", "UnsupportedServiceOperationException", "Service operation not supported");

    public static EasemobError RequestEntityTooLarge() =>
        new(StatusCodes.Status413PayloadTooLarge, "request_entity_too_large", "RequestEntityTooLargeException", "Request Entity Too Large");

    public static EasemobError UnsupportedMediaType() =>
        new(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "UnsupportedMediaTypeException", "Content-Type must be application/json");

    public static EasemobError ReachLimit(TimeSpan retryAfter) =>
        new(StatusCodes.Status429TooManyRequests, "reach_limit", "EasemobReachLimitException", ReachLimitDescription) { RetryAfter = retryAfter };

    /// <summary>400: the username is registered already (Easemob's Usergrid wording).</summary>
    public static EasemobError DuplicateUsername(Guid application, string username) =>
        new(StatusCodes.Status400BadRequest, "duplicate_unique_property_exists", "DuplicateUniquePropertyExistsException",
            $"Application {application} Entity user requires that property named username be unique, value of {username} exists");

    /// <summary>The password grant's refusals: 400 <c>invalid password</c> or <c>user not activated</c>, 404 <c>user not found</c>.</summary>
    public static EasemobError InvalidGrant(int statusCode, string description) =>
        new(statusCode, "invalid_grant", statusCode == StatusCodes.Status404NotFound ? "EntityNotFoundException" : "UnauthorizedException", description);

    /// <summary>403 <c>forbidden_op</c>: an operation the data forbids (a contact list at its cap).</summary>
    public static EasemobError ForbiddenOp(string description) =>
        new(StatusCodes.Status403Forbidden, "forbidden_op", "ForbiddenOpException", description);

    public static EasemobError ServiceUnavailable() =>
        new(StatusCodes.Status503ServiceUnavailable, "service_unavailable", "ServiceUnavailableException", "Service is temporarily unavailable, try again later");

    public static EasemobError InternalServerError() =>
        new(StatusCodes.Status500InternalServerError, "internal_server_error", "InternalServerErrorException", "Internal server error");

    /// <summary>The error for a response that ended with <paramref name="statusCode"/> and no body (status-code pages).</summary>
    public static EasemobError ForStatusCode(int statusCode) => statusCode switch
    {
        StatusCodes.Status400BadRequest => IllegalArgument("Bad request"),
        StatusCodes.Status401Unauthorized => Unauthorized(),
        StatusCodes.Status403Forbidden => Forbidden("Forbidden"),
        StatusCodes.Status404NotFound => ResourceNotFound(),
        StatusCodes.Status405MethodNotAllowed => MethodNotAllowed(),
        StatusCodes.Status413PayloadTooLarge => RequestEntityTooLarge(),
        StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType(),
        StatusCodes.Status429TooManyRequests => ReachLimit(TimeSpan.FromSeconds(1)),
        StatusCodes.Status503ServiceUnavailable => ServiceUnavailable(),
        >= 500 => new(statusCode, "internal_server_error", "InternalServerErrorException", "Internal server error"),
        _ => new(statusCode, "bad_request", "BadRequestException", "Bad request"),
    };

    public Task ExecuteAsync(HttpContext httpContext) => EasemobErrorWriter.WriteAsync(httpContext, this);

    /// <summary>Documents the error body for the statuses a presence route can answer with.</summary>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        foreach (var status in (int[])[400, 401, 403, 404, 413, 415, 429, 503])
            builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ErrorResponse), ["application/json"]));
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64];
}
