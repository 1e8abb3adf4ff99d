using System.Text.Json;
using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>Reads R4's two body shapes without reflection; anything else is a <see cref="JsonException"/>.</summary>
internal sealed class UnsubscribeRequestConverter : JsonConverter<UnsubscribeRequest>
{
    private const string UsersProperty = "users";

    public override UnsubscribeRequest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartArray:
                return new UnsubscribeRequest { Users = ReadNames(ref reader) };
            case JsonTokenType.StartObject:
                var request = new UnsubscribeRequest();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    if (reader.TokenType != JsonTokenType.PropertyName)
                        throw new JsonException("Expected a property name.");
                    var isUsers = reader.ValueTextEquals(UsersProperty);
                    reader.Read();
                    if (!isUsers)
                        reader.Skip();
                    else if (reader.TokenType == JsonTokenType.Null)
                        request.Users = null;
                    else if (reader.TokenType == JsonTokenType.StartArray)
                        request.Users = ReadNames(ref reader);
                    else
                        throw new JsonException("'users' must be an array of strings.");
                }
                return request;
            default:
                throw new JsonException("Expected an array of usernames or {\"users\":[…]}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, UnsubscribeRequest value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteStartArray(UsersProperty);
        foreach (var user in value.Users ?? [])
            writer.WriteStringValue(user);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static List<string?> ReadNames(ref Utf8JsonReader reader)
    {
        var names = new List<string?>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            names.Add(reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString(),
                JsonTokenType.Null => null,
                _ => throw new JsonException("Usernames must be strings."),
            });
        }
        return names;
    }
}
