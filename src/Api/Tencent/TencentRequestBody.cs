using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Presence.Api;

/// <summary>
/// Reads a Tencent route's body, whatever its content type (Tencent's callers send <c>contenttype=json</c> in the URL
/// and not always a header), up to <see cref="MaxBytes"/>: 500 accounts of 64 bytes fit with room to spare, so a larger
/// body is not a query. Reading stops one byte past the limit, so a huge body is never read in full.
/// </summary>
internal static class TencentRequestBody
{
    public const int MaxBytes = 64 * 1024;

    /// <summary>The body's bytes, or null when it is larger than <see cref="MaxBytes"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request)
    {
        if (request.ContentLength > MaxBytes)
            return null;
        var buffer = ArrayPool<byte>.Shared.Rent(MaxBytes + 1);
        try
        {
            var length = 0;
            int read;
            while (length <= MaxBytes
                   && (read = await request.Body.ReadAsync(buffer.AsMemory(length, MaxBytes + 1 - length), request.HttpContext.RequestAborted)) > 0)
                length += read;
            return length > MaxBytes ? null : buffer[..length];
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
