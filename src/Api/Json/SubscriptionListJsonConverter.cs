using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Presence.Grains;

namespace Presence.Api;

/// <summary>
/// R5's <c>sublist</c> as the seeds write it, <c>[{"uid":"…","expiry":"…"}, …]</c> with each expiry a string of Unix
/// seconds, straight from the grain's <see cref="SubscriptionEntry"/>s: a page of up to 500 needs no copy of its own.
/// </summary>
internal sealed class SubscriptionListJsonConverter : JsonConverter<IReadOnlyList<SubscriptionEntry>>
{
    private static readonly JsonEncodedText Uid = JsonEncodedText.Encode("uid");
    private static readonly JsonEncodedText Expiry = JsonEncodedText.Encode("expiry");

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<SubscriptionEntry> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var entry in value)
        {
            writer.WriteStartObject();
            writer.WriteString(Uid, entry.Uid);
            PresenceJson.WriteSeconds(writer, Expiry, entry.Expiry);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    public override IReadOnlyList<SubscriptionEntry> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new JsonException("sublist is an array.");
        var entries = new List<SubscriptionEntry>();
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            entries.Add(ReadEntry(ref reader));
        return entries;
    }

    private static SubscriptionEntry ReadEntry(ref Utf8JsonReader reader)
    {
        string? uid = null;
        long? expiry = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "uid":
                    uid = reader.GetString();
                    break;
                case "expiry":
                    expiry = reader.TokenType == JsonTokenType.String
                        ? long.Parse(reader.GetString()!, NumberStyles.None, CultureInfo.InvariantCulture)
                        : reader.GetInt64();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        return uid is not null && expiry is { } seconds
            ? new SubscriptionEntry(uid, seconds)
            : throw new JsonException("A subscription has a uid and an expiry.");
    }
}
