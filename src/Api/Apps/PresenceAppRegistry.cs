using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace Presence.Api;

/// <summary>The configured apps by org and app name (case-insensitive), built once at start.</summary>
internal sealed class PresenceAppRegistry
{
    private readonly Dictionary<string, Dictionary<string, PresenceApp>> _byOrg = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<long, PresenceApp> _bySdkAppId = [];

    public PresenceAppRegistry(IOptions<PresenceAppsOptions> options)
    {
        var apps = new List<PresenceApp>();
        foreach (var configured in options.Value.Apps)
        {
            var app = new PresenceApp(configured);
            if (!_byOrg.TryGetValue(app.Org, out var byApp))
                _byOrg[app.Org] = byApp = new Dictionary<string, PresenceApp>(StringComparer.OrdinalIgnoreCase);
            byApp[app.App] = app;
            if (app.Tencent is { } tencent)
                _bySdkAppId[tencent.SdkAppId] = app; // unique: the validator refuses a second app with the same SDKAppID
            apps.Add(app);
        }
        Apps = apps;
    }

    public IReadOnlyList<PresenceApp> Apps { get; }

    public bool TryGet(string org, string app, [NotNullWhen(true)] out PresenceApp? result)
    {
        result = null;
        return _byOrg.TryGetValue(org, out var byApp) && byApp.TryGetValue(app, out result);
    }

    /// <summary>The app configured with this Tencent SDKAppID (Tencent's REST routes name the app this way).</summary>
    public bool TryGetBySdkAppId(long sdkAppId, [NotNullWhen(true)] out PresenceApp? result) =>
        _bySdkAppId.TryGetValue(sdkAppId, out result);
}
