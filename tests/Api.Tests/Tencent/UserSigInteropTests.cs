namespace Presence.Api.Tests;

/// <summary>Our verifier against sigs made just now by Tencent's npm package tls-sig-api-v2 (needs Node.js and npm).</summary>
public sealed class UserSigInteropTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly TencentCredentials App = new(TencentSigs.SdkAppId, TencentSigs.Key, TencentSigs.Admin);

    [Fact]
    public async Task Verify_AcceptsTencentsSigs_ForManyIdentifiersAndLifetimes_AndRefusesTheirNeighbours()
    {
        string[] identifiers = ["a", "administrator", "Mixed.Case-User_01", new string('z', 64), "用户"];
        long[] lifetimes = [1, 600, 86400, 180L * 86400];
        var specs = (from id in identifiers from expire in lifetimes
                     select new UserSigSpec(TencentSigs.SdkAppId, TencentSigs.Key, id, expire, Now.ToUnixTimeSeconds())).ToArray();
        var sigs = await TencentSigs.MakeAsync(specs);

        for (var i = 0; i < specs.Length; i++)
        {
            var spec = specs[i];
            var verifier = new UserSigVerifier(new ManualTimeProvider(Now));
            var check = verifier.Verify(sigs[i], App, spec.Identifier);
            Assert.True(check.IsValid, $"{spec} was refused: {check.Verdict}");
            Assert.Equal(spec.Time + spec.Expire, check.ExpiresAtUnixSeconds);

            var expiredClock = new UserSigVerifier(new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(spec.Time + spec.Expire)));
            Assert.Equal(UserSigVerdict.Expired, expiredClock.Verify(sigs[i], App, spec.Identifier).Verdict);
            Assert.Equal(UserSigVerdict.IdentifierMismatch, verifier.Verify(sigs[i], App, spec.Identifier + "x").Verdict);
            Assert.Equal(UserSigVerdict.BadSignature, verifier.Verify(sigs[i], new TencentCredentials(TencentSigs.SdkAppId, TencentSigs.OtherKey, "a"), spec.Identifier).Verdict);
            Assert.Equal(UserSigVerdict.SdkAppIdMismatch, verifier.Verify(sigs[i], new TencentCredentials(TencentSigs.OtherSdkAppId, TencentSigs.Key, "a"), spec.Identifier).Verdict);
        }
    }
}
