namespace Presence.Api;

/// <summary>
/// The Tencent platform name of a resource (docs/api.md#tencent-interop), from its device type: the part before the
/// first <c>_</c> (<c>ios_8f2c</c> → <c>ios</c>) or the whole bare name, case-insensitive. Unknown types are <c>Unknown</c>.
/// </summary>
internal static class TencentPlatforms
{
    public const string Unknown = "Unknown";

    private static readonly Dictionary<string, string> ByDeviceType = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ios"] = "iPhone",
        ["iphone"] = "iPhone",
        ["ipad"] = "iPad",
        ["android"] = "Android",
        ["web"] = "Web",
        ["h5"] = "Web",
        ["windows"] = "Windows",
        ["win"] = "Windows",
        ["pc"] = "Windows",
        ["mac"] = "Mac",
        ["macos"] = "Mac",
        ["linux"] = "Linux",
        ["miniprogram"] = "MiniProgram",
    };

    /// <summary>Every device type that has a name, for the docs and tests.</summary>
    public static IReadOnlyDictionary<string, string> Known => ByDeviceType;

    public static string Of(string resource)
    {
        var separator = resource.IndexOf('_', StringComparison.Ordinal);
        var deviceType = separator < 0 ? resource : resource[..separator];
        return ByDeviceType.GetValueOrDefault(deviceType, Unknown);
    }
}
