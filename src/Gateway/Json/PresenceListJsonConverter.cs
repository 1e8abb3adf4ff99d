using System.Text.Json;
using System.Text.Json.Serialization;
using Presence.Orleans.Grains;

namespace Presence.Orleans.Gateway;

/// <summary>R3's <c>result</c>: each user as <see cref="PresenceJson"/> writes it. Only ever written.</summary>
internal sealed class PresenceListJsonConverter : JsonConverter<IReadOnlyList<PresenceSnapshot>>
{
    public override void Write(Utf8JsonWriter writer, IReadOnlyList<PresenceSnapshot> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var presence in value)
            PresenceJson.Write(writer, presence);
        writer.WriteEndArray();
    }

    public override IReadOnlyList<PresenceSnapshot> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("R3's answer is written by the gateway, never read: it lacks the snapshot's version.");
}
