using System.Text.Json;
using System.Text.Json.Serialization;
using Presence.Orleans.Grains;

namespace Presence.Orleans.Gateway;

/// <summary>R2's <c>result</c>: each target as <see cref="PresenceJson"/> writes it, with its expiry. Only ever written.</summary>
internal sealed class SubscribedPresenceListJsonConverter : JsonConverter<IReadOnlyList<SubscribedPresence>>
{
    public override void Write(Utf8JsonWriter writer, IReadOnlyList<SubscribedPresence> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var subscribed in value)
            PresenceJson.Write(writer, subscribed.Presence, subscribed.Expiry);
        writer.WriteEndArray();
    }

    public override IReadOnlyList<SubscribedPresence> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("R2's answer is written by the gateway, never read: it lacks the snapshots' versions.");
}
