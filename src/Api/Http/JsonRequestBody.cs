using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Presence.Api;

/// <summary>
/// Reads a JSON request body under the gateway's own rules, whatever the server: a body with a
/// non-JSON content type is 415; a body over the limit is 413, from Content-Length or while reading
/// (TestServer and proxies do not enforce Kestrel's limit); malformed JSON or wrong JSON types are
/// 400 <c>illegal_argument</c>. Deserialization uses source-generated metadata only.
/// </summary>
internal static class JsonRequestBody
{
    public const string InvalidJsonDescription = "Request body is not valid JSON or has fields of the wrong type";

    public static async Task<BodyResult<T>> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, int maxBytes)
        where T : class
    {
        var declaredLength = request.ContentLength;
        if (declaredLength == 0
            || (declaredLength is null && request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == false))
            return default;
        var isJson = request.ContentType is not { } contentType || IsJson(contentType);
        if (declaredLength > 0 && !isJson)
            return new(null, EasemobError.UnsupportedMediaType());
        if (declaredLength > maxBytes)
            return new(null, EasemobError.RequestEntityTooLarge());

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
            sizeFeature.MaxRequestBodySize = maxBytes;

        var buffer = ArrayPool<byte>.Shared.Rent(maxBytes + 1);
        try
        {
            var length = 0;
            while (length <= maxBytes)
            {
                var read = await request.Body.ReadAsync(buffer.AsMemory(length, maxBytes + 1 - length), request.HttpContext.RequestAborted);
                if (read == 0)
                    break;
                length += read;
            }
            if (length > maxBytes)
                return new(null, EasemobError.RequestEntityTooLarge());
            if (length == 0)
                return default;
            if (!isJson)
                return new(null, EasemobError.UnsupportedMediaType());
            return new(JsonSerializer.Deserialize(buffer.AsSpan(0, length), typeInfo), null);
        }
        catch (JsonException)
        {
            return new(null, EasemobError.IllegalArgument(InvalidJsonDescription));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary><c>application/json</c> or <c>application/*+json</c>, in UTF-8 when a charset is named.</summary>
    private static bool IsJson(string contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
            return false;
        var isJson = mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.Type.Equals("application", StringComparison.OrdinalIgnoreCase)
                && mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));
        var charset = mediaType.Charset;
        return isJson
            && (!charset.HasValue
                || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
                || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase));
    }
}
