using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Presence.Cli;

/// <summary>Gets a user token the way an app server does: client credentials, then <c>inherit</c> for the user.</summary>
internal static class TokenClient
{
    public static async Task<string> UserTokenAsync(HttpClient http, CliOptions options, CancellationToken cancellationToken)
    {
        var prefix = $"/{options.Org}/{options.App}/token";
        var appToken = await RequestAsync(http, prefix, null, new JsonObject
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = options.ClientId,
            ["client_secret"] = options.ClientSecret,
        }, cancellationToken);
        return await RequestAsync(http, prefix, appToken, new JsonObject
        {
            ["grant_type"] = "inherit",
            ["username"] = options.User,
        }, cancellationToken);
    }

    private static async Task<string> RequestAsync(HttpClient http, string path, string? bearer, JsonObject body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        if (bearer is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await http.SendAsync(request, cancellationToken);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        if (!response.IsSuccessStatusCode || !json.TryGetProperty("access_token", out var token))
            throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {json}");
        return token.GetString()!;
    }
}
