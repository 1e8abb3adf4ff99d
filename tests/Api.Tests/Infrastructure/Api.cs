using System.Net;
using System.Text.Json;

namespace Presence.Api.Tests;

/// <summary>Assertions on the wire format: status, JSON shape, JSON types, Easemob error bodies.</summary>
public static class Api
{
    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Asserts Easemob's error body: all five fields with their JSON types, and the expected values.</summary>
    public static async Task<JsonElement> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error, string? description = null)
    {
        var json = await ReadJsonAsync(response, status);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(JsonValueKind.Object, json.ValueKind);
        Assert.Equal(
            ["duration", "error", "error_description", "exception", "timestamp"],
            json.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(error, json.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.String, json.GetProperty("exception").ValueKind);
        Assert.False(string.IsNullOrEmpty(json.GetProperty("exception").GetString()));
        Assert.Equal(JsonValueKind.Number, json.GetProperty("timestamp").ValueKind);
        Assert.Equal(JsonValueKind.Number, json.GetProperty("duration").ValueKind);
        Assert.Equal(JsonValueKind.String, json.GetProperty("error_description").ValueKind);
        if (description is not null)
            Assert.Equal(description, json.GetProperty("error_description").GetString());
        return json;
    }

    public static Task<JsonElement> AssertIllegalArgumentAsync(HttpResponseMessage response, string description) =>
        AssertErrorAsync(response, HttpStatusCode.BadRequest, "illegal_argument", description);

    public static async Task<JsonElement> AssertUnauthorizedAsync(HttpResponseMessage response)
    {
        var json = await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized", "Unable to authenticate (OAuth)");
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Equal("EasemobSecurityException", json.GetProperty("exception").GetString());
        return json;
    }

    public static async Task AssertOkResultAsync(HttpResponseMessage response)
    {
        var json = await ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("""{"result":"ok"}""", json.GetRawText());
    }

    /// <summary>Property names of an object, in document order.</summary>
    public static string[] Names(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToArray();

    public static string Str(JsonElement element, string property)
    {
        var value = element.GetProperty(property);
        Assert.True(value.ValueKind == JsonValueKind.String, $"'{property}' must be a JSON string, was {value.ValueKind}: {element}");
        return value.GetString()!;
    }

    public static Dictionary<string, string> StatusMap(JsonElement presence)
    {
        var status = presence.GetProperty("status");
        Assert.Equal(JsonValueKind.Object, status.ValueKind);
        return status.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
    }
}
