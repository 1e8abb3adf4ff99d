using System.Globalization;
using System.Text.Json;
using Presence.Grains;

namespace Presence.Api;

/// <summary>
/// One user's presence as R2 and R3 write it, straight from the grain's <see cref="PresenceSnapshot"/>:
/// <c>{"uid":…,"last_time":"…",["expiry":"…",]"ext":…,"status":{…}}</c>, times as strings of Unix seconds.
/// An answer about 100 users needs no copy of each of them.
/// </summary>
internal static class PresenceJson
{
    private static readonly JsonEncodedText Uid = JsonEncodedText.Encode("uid");
    private static readonly JsonEncodedText LastTime = JsonEncodedText.Encode("last_time");
    private static readonly JsonEncodedText Expiry = JsonEncodedText.Encode("expiry");
    private static readonly JsonEncodedText Ext = JsonEncodedText.Encode("ext");
    private static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");

    /// <param name="expiry">R2's subscription expiry (Unix seconds), written after <c>last_time</c>; R3 has none.</param>
    public static void Write(Utf8JsonWriter writer, PresenceSnapshot presence, long? expiry = null)
    {
        writer.WriteStartObject();
        writer.WriteString(Uid, presence.Uid);
        WriteSeconds(writer, LastTime, presence.LastTime);
        if (expiry is { } seconds)
            WriteSeconds(writer, Expiry, seconds);
        writer.WriteString(Ext, presence.Ext);
        writer.WritePropertyName(Status);
        StatusMapJsonConverter.WriteMap(writer, presence.Status);
        writer.WriteEndObject();
    }

    /// <summary>A count of seconds as the seeds write it: a string of digits.</summary>
    public static void WriteSeconds(Utf8JsonWriter writer, JsonEncodedText name, long seconds)
    {
        Span<byte> digits = stackalloc byte[20];
        seconds.TryFormat(digits, out var length, provider: CultureInfo.InvariantCulture);
        writer.WriteString(name, digits[..length]);
    }
}
