using System.Text.Json;
using System.Text.Json.Serialization;
using Presence.Grains;

namespace Presence.Api;

/// <summary>
/// A list of users in an answer, each as <see cref="PresenceJson"/> writes it. Only ever written: the JSON lacks the
/// snapshots' versions, so it cannot be read back into them.
/// </summary>
internal abstract class PresenceListJsonConverter<T> : JsonConverter<IReadOnlyList<T>>
{
    public override void Write(Utf8JsonWriter writer, IReadOnlyList<T> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var item in value)
            WriteItem(writer, item);
        writer.WriteEndArray();
    }

    protected abstract void WriteItem(Utf8JsonWriter writer, T item);

    public override IReadOnlyList<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("The gateway writes this answer and never reads it: it lacks the snapshots' versions.");
}

/// <summary>R3's <c>result</c>.</summary>
internal sealed class PresenceListJsonConverter : PresenceListJsonConverter<PresenceSnapshot>
{
    protected override void WriteItem(Utf8JsonWriter writer, PresenceSnapshot item) => PresenceJson.Write(writer, item);
}

/// <summary>R2's <c>result</c>: each target with its subscription's expiry.</summary>
internal sealed class SubscribedPresenceListJsonConverter : PresenceListJsonConverter<SubscribedPresence>
{
    protected override void WriteItem(Utf8JsonWriter writer, SubscribedPresence item) => PresenceJson.Write(writer, item.Presence, item.Expiry);
}
