namespace Presence.Api.Tests;

/// <summary>
/// The silo on Kestrel with the demo app's webhook rules pointing at a <see cref="WebhookReceiver"/> on 127.0.0.1 (named
/// in the allow-list, as a test's local receiver must be): <c>em</c> (Easemob), <c>tc</c> (Tencent), and more as a
/// derived factory says. Retries are quick, so that a receiver's outage is short.
/// </summary>
public class WebhookGatewayFactory(WebhookReceiver receiver) : SocketGatewayFactory
{
    public const string EasemobSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    public const string TencentSecret = "tencent console secret";

    public WebhookReceiver Receiver => receiver;

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            foreach (var (key, value) in WebhookSettings)
                settings[key] = value;
            return settings;
        }
    }

    protected virtual IDictionary<string, string?> WebhookSettings => new Dictionary<string, string?>
    {
        ["Presence:Webhooks:AllowedHosts:0"] = "127.0.0.1",
        ["Presence:Webhooks:InitialBackoff"] = "00:00:00.100",
        ["Presence:Webhooks:MaxBackoff"] = "00:00:00.500",
        ["Presence:Webhooks:PollInterval"] = "00:00:00.100",
        ["Presence:Apps:0:Webhooks:0:Name"] = "em",
        ["Presence:Apps:0:Webhooks:0:Url"] = new Uri(receiver.Address, "/em").ToString(),
        ["Presence:Apps:0:Webhooks:0:Secret"] = EasemobSecret,
        ["Presence:Apps:0:Webhooks:1:Name"] = "tc",
        ["Presence:Apps:0:Webhooks:1:Url"] = new Uri(receiver.Address, "/tc?x=1").ToString(),
        ["Presence:Apps:0:Webhooks:1:Secret"] = TencentSecret,
        ["Presence:Apps:0:Webhooks:1:Format"] = "Tencent",
        ["Presence:Apps:0:Webhooks:1:SdkAppId"] = "1400000001",
    };
}
