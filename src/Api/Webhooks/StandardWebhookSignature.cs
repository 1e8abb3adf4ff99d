using System.Security.Cryptography;
using System.Text;

namespace Presence.Api;

/// <summary>
/// The Standard Webhooks headers of one attempt: <c>webhook-id</c> (the event's or batch's id, the same on every
/// retry), <c>webhook-timestamp</c> (Unix seconds of this attempt) and <c>webhook-signature</c>:
/// <c>v1,</c> + base64 of HMAC-SHA256 over <c>{id}.{timestamp}.{body}</c> with the rule's key.
/// </summary>
internal static class StandardWebhookSignature
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    public static string Sign(byte[] key, string id, long timestampSeconds, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestampSeconds}.");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }
}
