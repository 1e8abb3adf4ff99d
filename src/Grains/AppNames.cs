using System.Collections.Concurrent;

namespace Presence.Grains;

/// <summary>
/// The strings of one app, made once and shared by all its users' grains: a handful of apps (the gateway only calls
/// grains of configured ones) and millions of grains, each of which would otherwise hold its own copies.
/// </summary>
internal sealed class AppNames
{
    private static readonly ConcurrentDictionary<(string Org, string App), AppNames> Known = new();

    private AppNames(string org, string app)
    {
        Org = org;
        App = app;
        Name = $"{org}/{app}";
        Prefix = Name + "/";
    }

    public string Org { get; }

    public string App { get; }

    /// <summary><c>{org}/{app}</c>: the metrics' tag.</summary>
    public string Name { get; }

    /// <summary><c>{org}/{app}/</c>: what every user key of the app starts with.</summary>
    public string Prefix { get; }

    public static AppNames Of(string org, string app) => Known.GetOrAdd((org, app), static key => new AppNames(key.Org, key.App));
}
