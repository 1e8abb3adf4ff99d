using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace Presence.Api;

/// <summary>The configured apps by org and app name (case-insensitive), built once at start.</summary>
internal sealed class PresenceAppRegistry
{
    private readonly Dictionary<string, Dictionary<string, PresenceApp>> _byOrg = new(StringComparer.OrdinalIgnoreCase);

    public PresenceAppRegistry(IOptions<PresenceAppsOptions> options)
    {
        var apps = new List<PresenceApp>();
        foreach (var configured in options.Value.Apps)
        {
            var app = new PresenceApp(configured);
            if (!_byOrg.TryGetValue(app.Org, out var byApp))
                _byOrg[app.Org] = byApp = new Dictionary<string, PresenceApp>(StringComparer.OrdinalIgnoreCase);
            byApp[app.App] = app;
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
}
