namespace Presence.Api;

/// <summary>
/// A device's platform from its resource name, whose leading letters name it as the SDKs do (<c>android_8f2c…</c>,
/// <c>ios</c>, <c>webim_…</c>, <c>win-1</c>): Easemob's <c>os</c> and Tencent's <c>Platform</c>/<c>OptPlatform</c>.
/// </summary>
internal static class DevicePlatforms
{
    public const string EasemobOther = "other";
    public const string TencentUnknown = "Unknown";

    public static string EasemobOs(string resource) => Token(resource) switch
    {
        "ios" or "iphone" or "ipad" => "ios",
        "android" => "android",
        "web" or "webim" or "h5" or "browser" => "web",
        "win" or "windows" or "pc" => "win",
        "mac" or "macos" or "osx" => "mac",
        "linux" => "linux",
        "harmony" or "harmonyos" or "ohos" => "harmony",
        _ => EasemobOther,
    };

    public static string TencentPlatform(string resource) => Token(resource) switch
    {
        "ios" or "iphone" => "iOS",
        "ipad" => "iPad",
        "android" => "Android",
        "web" or "webim" or "h5" or "browser" => "Web",
        "win" or "windows" or "pc" => "Windows",
        "mac" or "macos" or "osx" => "Mac",
        "linux" => "Linux",
        _ => TencentUnknown,
    };

    /// <summary>The resource's leading ASCII letters, lower-case: <c>Android_123</c> → <c>android</c>.</summary>
    private static string Token(string resource)
    {
        var length = 0;
        while (length < resource.Length && char.IsAsciiLetter(resource[length]))
            length++;
        return resource[..length].ToLowerInvariant();
    }
}
