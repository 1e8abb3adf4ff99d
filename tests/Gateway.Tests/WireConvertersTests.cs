using System.Text;
using System.Text.Json;
using Presence.Orleans.Grains;

namespace Presence.Orleans.Gateway.Tests;

/// <summary>
/// The hand-written converters of the answers' hot parts (status maps, R5's sublist) write what the generated serializer
/// wrote before them, and read it back.
/// </summary>
public sealed class WireConvertersTests
{
    [Fact]
    public void StatusMap_IsAnObjectOfStrings_FromAnyMap_AndReadsBack()
    {
        var status = new Dictionary<string, string>(StringComparer.Ordinal) { ["android_1"] = "1", ["web"] = "busy \"now\"" };
        var dto = new PresenceDto("u1", 1_700_000_000, "ext", status);

        var json = JsonSerializer.Serialize(dto, GatewayJsonContext.Default.PresenceDto);
        var sorted = JsonSerializer.Serialize(dto with { Status = new SortedList<string, string>(status) }, GatewayJsonContext.Default.PresenceDto);

        Assert.Equal("""{"uid":"u1","last_time":"1700000000","ext":"ext","status":{"android_1":"1","web":"busy \u0022now\u0022"}}""", json);
        Assert.Equal(json, sorted);
        Assert.Equal(status, Read(new StatusMapJsonConverter(), """{"android_1":"1","web":"busy \u0022now\u0022"}"""));
        Assert.Throws<JsonException>(() => Read(new StatusMapJsonConverter(), """{"web":1}"""));
        Assert.Throws<JsonException>(() => Read(new StatusMapJsonConverter(), """["web"]"""));
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
