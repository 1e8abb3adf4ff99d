namespace Presence.Api.Tests;

/// <summary>
/// Two apps with Tencent identities: demo/demo (SDKAppID <see cref="TencentSigs.SdkAppId"/>, default administrator)
/// and demo/other (<see cref="TencentSigs.OtherSdkAppId"/>, administrator <c>boss</c>). <see cref="ExtraSettings"/>
/// adds to them.
/// </summary>
public class TencentRouteFactory : GatewayFactory
{
    public const string OtherAdmin = "boss";

    protected virtual IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>();

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = new Dictionary<string, string?>
            {
                ["Presence:RateLimits:PermitLimit"] = "1000000",
                ["Presence:Apps:0:Org"] = "demo",
                ["Presence:Apps:0:App"] = "demo",
                ["Presence:Apps:0:ClientId"] = GatewayClient.DevClientId,
                ["Presence:Apps:0:ClientSecret"] = GatewayClient.DevClientSecret,
                ["Presence:Apps:0:Tencent:SdkAppId"] = TencentSigs.SdkAppId.ToString(),
                ["Presence:Apps:0:Tencent:SecretKey"] = TencentSigs.Key,
                ["Presence:Apps:1:Org"] = "demo",
                ["Presence:Apps:1:App"] = "other",
                ["Presence:Apps:1:ClientId"] = "other-client",
                ["Presence:Apps:1:ClientSecret"] = "other-secret",
                ["Presence:Apps:1:Tencent:SdkAppId"] = TencentSigs.OtherSdkAppId.ToString(),
                ["Presence:Apps:1:Tencent:SecretKey"] = TencentSigs.OtherKey,
                ["Presence:Apps:1:Tencent:AdminIdentifier"] = OtherAdmin,
            };
            foreach (var (key, value) in ExtraSettings)
                settings[key] = value;
            return settings;
        }
    }

    public static string Route(long sdkAppId, string identifier, string? sig) =>
        $"/v4/openim/query_online_status?sdkappid={sdkAppId}&identifier={Uri.EscapeDataString(identifier)}"
        + (sig is null ? "" : $"&usersig={Uri.EscapeDataString(sig)}")
        + "&random=99999999&contenttype=json";

    /// <summary>POSTs <paramref name="body"/> to <paramref name="pathAndQuery"/> as Tencent's callers do.</summary>
    public async Task<HttpResponseMessage> PostAsync(string pathAndQuery, string body)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        return await CreateClient().PostAsync(pathAndQuery, content);
    }
}
