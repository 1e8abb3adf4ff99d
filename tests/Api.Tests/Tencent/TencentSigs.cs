using System.Text.Json;

namespace Presence.Api.Tests;

/// <summary>
/// UserSigs made by Tencent's own npm package <c>tls-sig-api-v2</c> (TencentSig/usersig.js), an implementation
/// independent of ours, run as a <see cref="NodePackage"/>.
/// </summary>
public static class TencentSigs
{
    /// <summary>The app of the Tencent tests (demo/demo): its SDKAppID and key.</summary>
    public const long SdkAppId = 1400000001;
    public const string Key = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

    /// <summary>A second app (demo/other) with its own SDKAppID and key.</summary>
    public const long OtherSdkAppId = 1400000002;
    public const string OtherKey = "0f6b7c1e2d3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";

    public const string Admin = "administrator";

    private static readonly NodePackage Package = new(Path.Combine("tests", "Api.Tests", "TencentSig"), Path.Combine("tls-sig-api-v2", "TLSSigAPIv2.js"));

    /// <summary>One sig per spec, in order, from one run of the script.</summary>
    public static async Task<string[]> MakeAsync(params UserSigSpec[] specs)
    {
        var input = JsonSerializer.Serialize(specs.Select(s => new Dictionary<string, object>
        {
            ["sdkappid"] = s.SdkAppId,
            ["key"] = s.Key,
            ["identifier"] = s.Identifier,
            ["expire"] = s.Expire,
            ["time"] = s.Time,
        }));
        var output = await Package.RunAsync("usersig.js", input);
        var sigs = JsonSerializer.Deserialize<string[]>(output) ?? [];
        Assert.Equal(specs.Length, sigs.Length);
        return sigs;
    }

    /// <summary>A sig of the demo app, made at <paramref name="time"/> and valid for a day unless told.</summary>
    public static async Task<string> MakeAsync(string identifier, DateTimeOffset time, long expire = 86400) =>
        (await MakeAsync(new UserSigSpec(SdkAppId, Key, identifier, expire, time.ToUnixTimeSeconds())))[0];
}
