namespace Presence.Api.Tests;

/// <summary>The socket factory whose demo/demo app has a Tencent SDKAppID and key; demo/other has none.</summary>
public sealed class TencentSocketFactory : SocketGatewayFactory
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Presence:Apps:0:Tencent:SdkAppId"] = TencentSigs.SdkAppId.ToString();
            settings["Presence:Apps:0:Tencent:SecretKey"] = TencentSigs.Key;
            return settings;
        }
    }
}
