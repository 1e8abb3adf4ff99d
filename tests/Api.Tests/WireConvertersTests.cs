using System.Text;
using System.Text.Json;
using Presence.Grains;

namespace Presence.Api.Tests;

/// <summary>
/// The hand-written converters of the answers' hot parts (R2's and R3's users, status maps, R5's sublist) write what the generated serializer
/// wrote before them, and read it back.
/// </summary>
public sealed class WireConvertersTests
{
    [Fact]
    public void StatusMap_IsAnObjectOfStrings_FromAnyMap_AndReadsBack()
    {
        var status = new Dictionary<string, string>(StringComparer.Ordinal) { ["android_1"] = "1", ["web"] = "busy \"now\"" };
        var presence = new PresenceSnapshot("u1", 1_700_000_000, "ext", status, 7, PresenceStatusType.Online);

        var json = JsonSerializer.Serialize(new PresenceListResponse([presence]), GatewayJsonContext.Default.PresenceListResponse);
        var sorted = JsonSerializer.Serialize(
            new PresenceListResponse([presence with { Status = new SortedList<string, string>(status) }]), GatewayJsonContext.Default.PresenceListResponse);

        Assert.Equal("""{"result":[{"uid":"u1","last_time":"1700000000","ext":"ext","status":{"android_1":"1","web":"busy \u0022now\u0022"}}]}""", json);
        Assert.Equal(json, sorted);
        Assert.Equal(status, Read(new StatusMapJsonConverter(), """{"android_1":"1","web":"busy \u0022now\u0022"}"""));
        Assert.Throws<JsonException>(() => Read(new StatusMapJsonConverter(), """{"web":1}"""));
        Assert.Throws<JsonException>(() => Read(new StatusMapJsonConverter(), """["web"]"""));
    }

    [Fact]
    public void SubscribeAnswer_HasEachTargetWithItsExpiry_AsTheSeedsWriteIt()
    {
        var online = new PresenceSnapshot("u1", 1_700_000_000, "", new Dictionary<string, string> { ["web"] = "1" }, 3, PresenceStatusType.Online);
        var never = PresenceSnapshot.Empty("u2");

        var json = JsonSerializer.Serialize(
            new SubscribeResponse([new SubscribedPresence(online, 1_700_086_400), new SubscribedPresence(never, 1_700_086_400)], null),
            GatewayJsonContext.Default.SubscribeResponse);
        var withFailed = JsonSerializer.Serialize(new SubscribeResponse([], ["u3"]), GatewayJsonContext.Default.SubscribeResponse);

        Assert.Equal(
            """{"result":[{"uid":"u1","last_time":"1700000000","expiry":"1700086400","ext":"","status":{"web":"1"}},""" +
            """{"uid":"u2","last_time":"0","expiry":"1700086400","ext":"","status":{}}]}""", json);
        Assert.Equal("""{"result":[],"failed":["u3"]}""", withFailed);
        Assert.Throws<NotSupportedException>(() => JsonSerializer.Deserialize(json, GatewayJsonContext.Default.SubscribeResponse));
    }

    [Fact]
    public void Sublist_HasUidsAndExpiriesAsStrings_AndReadsBack()
    {
        var page = new SubscriptionListDto(2, [new SubscriptionEntry("a", 1_700_000_100), new SubscriptionEntry("b", 9_000_000_000)]);

        var json = JsonSerializer.Serialize(page, GatewayJsonContext.Default.SubscriptionListDto);

        Assert.Equal("""{"totalnum":"2","sublist":[{"uid":"a","expiry":"1700000100"},{"uid":"b","expiry":"9000000000"}]}""", json);
        Assert.Equal(page.Sublist, Read(new SubscriptionListJsonConverter(), """[{"uid":"a","expiry":"1700000100"},{"expiry":9000000000,"uid":"b","x":[1]}]"""));
        Assert.Throws<JsonException>(() => Read(new SubscriptionListJsonConverter(), """[{"uid":"a"}]"""));
        Assert.Throws<JsonException>(() => Read(new SubscriptionListJsonConverter(), """{"uid":"a","expiry":"1"}"""));
    }

    private static T Read<T>(System.Text.Json.Serialization.JsonConverter<T> converter, string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        return converter.Read(ref reader, typeof(T), JsonSerializerOptions.Default)!;
    }
}
