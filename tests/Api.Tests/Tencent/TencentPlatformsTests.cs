namespace Presence.Api.Tests;

/// <summary>The Tencent platform of a resource, from its device type (docs/api.md#tencent-interop).</summary>
public sealed class TencentPlatformsTests
{
    [Theory]
    [InlineData("ios_8f2c", "iPhone")]
    [InlineData("IOS", "iPhone")]
    [InlineData("iphone_1", "iPhone")]
    [InlineData("ipad_1", "iPad")]
    [InlineData("android_123423453246", "Android")]
    [InlineData("web_6b5610ac-4e11-4661-82b3-dee17bc7b2cc", "Web")]
    [InlineData("h5_1", "Web")]
    [InlineData("windows_1", "Windows")]
    [InlineData("pc", "Windows")]
    [InlineData("mac_1", "Mac")]
    [InlineData("macos_1", "Mac")]
    [InlineData("linux_1", "Linux")]
    [InlineData("miniprogram_1", "MiniProgram")]
    [InlineData("fridge_1", "Unknown")]
    [InlineData("webby", "Unknown")]
    public void Of_NamesThePlatformOfTheDeviceType(string resource, string platform)
    {
        Assert.Equal(platform, TencentPlatforms.Of(resource));
    }
}
