using System.Text.Json;
using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>Reads one user object or an array of them; anything else is a JSON error (400).</summary>
internal sealed class RegisterUsersRequestConverter : JsonConverter<RegisterUsersRequest>
{
    public override RegisterUsersRequest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var one = AccountsJsonContext.Default.RegisterUserRequest;
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                return new RegisterUsersRequest([JsonSerializer.Deserialize(ref reader, one)], IsBatch: false);
            case JsonTokenType.StartArray:
                var users = new List<RegisterUserRequest?>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                        throw new JsonException("each user must be an object");
                    users.Add(JsonSerializer.Deserialize(ref reader, one));
                }
                return new RegisterUsersRequest(users, IsBatch: true);
            default:
                throw new JsonException("a user object or an array of them");
        }
    }

    public override void Write(Utf8JsonWriter writer, RegisterUsersRequest value, JsonSerializerOptions options) =>
        throw new NotSupportedException("Request bodies are only read.");
}
