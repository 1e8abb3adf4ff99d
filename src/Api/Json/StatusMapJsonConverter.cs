using System.Text.Json;
using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>
/// A user's <c>status</c> map (resource → status) as a JSON object. System.Text.Json enumerates an
/// <see cref="IReadOnlyDictionary{TKey, TValue}"/> through the interface, boxing the dictionary's enumerator once per
/// map: one allocation per user in every R2 and R3 answer. The grains' maps are <see cref="Dictionary{TKey, TValue}"/>s,
/// enumerated here without it.
/// </summary>
internal sealed class StatusMapJsonConverter : JsonConverter<IReadOnlyDictionary<string, string>>
{
    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, string> value, JsonSerializerOptions options) =>
        WriteMap(writer, value);

    public static void WriteMap(Utf8JsonWriter writer, IReadOnlyDictionary<string, string> value)
    {
        writer.WriteStartObject();
        if (value is Dictionary<string, string> map)
        {
            foreach (var (resource, status) in map)
                writer.WriteString(resource, status);
        }
        else
        {
            foreach (var (resource, status) in value)
                writer.WriteString(resource, status);
        }
        writer.WriteEndObject();
    }

    public override IReadOnlyDictionary<string, string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException("status is an object.");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var resource = reader.GetString()!;
            if (!reader.Read() || reader.TokenType != JsonTokenType.String)
                throw new JsonException("A status is a string.");
            map[resource] = reader.GetString()!;
        }
        return map;
    }
}
