using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Presence.Api.Tests;

/// <summary>
/// The verifier on fixed sigs made by Tencent's npm package tls-sig-api-v2 (TencentSig/usersig.js at
/// 2026-01-01T00:00:00Z, committed here so the verifier is tested without Node.js), on a manual clock.
/// </summary>
public sealed class UserSigVerifierTests
{
    private static readonly DateTimeOffset MadeAt = DateTimeOffset.FromUnixTimeSeconds(1767225600);

    /// <summary>genUserSig("alice", 86400) for SDKAppID 1400000001 and <see cref="TencentSigs.Key"/>.</summary>
    private const string Alice =
        "eJw1yUELwiAYxvHv8l6LpeZ0CR1GdKqIqEPrJmnjZW3JNBtE3z2Y9dye3-8Np*0xi7YHBSwjMB0-GtsFvOHI*o5X*wveNNo5NKAoJ2k0lYCtBUWlkIzlgpCkdnDYW1CF4H-yWIMCv5bl48JWc19tzjG*qrzsjCkmg9aN2-H4RBYW7QwP*3oJny*TkDEB";

    /// <summary>genPrivateMapKey("bob", 300, 1234, 255) for the same app: a sig that also signs a userbuf.</summary>
    private const string BobWithUserBuf =
        "eJw1zc0KgkAUBeB3ueswR1NxoMUNN1okpSYtGx1tCnXwrzJ690jzLg6c7yzuG8JdoPS8BgqaosJi7CLlZSsyMTKr2J*b9H6RUqRAyUqdjkxLKwoOlFimpWmGqaqT8qcUNQeqz9A1vGZdBhQQ0TkXtoh0z8cD4mbvyROrGkTE5eOXuJ6-ihwoDMxJrnHgNnHlu*ktNJLXwMuos2WZ9T5xZBFvh6zKjy2u4fMFLOVAwg__";

    /// <summary>genUserSig("alice", 86400) for SDKAppID 1400000002 and <see cref="TencentSigs.OtherKey"/>.</summary>
    private const string AliceOfOtherApp =
        "eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwok5mcmpUInilOzEgoLMFCUrQxMDCDCCyJRk5qYqWRmam5kbGZmaGRhARFMrCjKLUpWsLMxMYELFmelKVkpuhYlGkYlRVSUh2qkGXuHuhm76nsUmzmbhJTlORf5hTrn*5WmeBVWVbmHptkq1AIhnMMM_";

    /// <summary>genUserSig("alice", 86400) for SDKAppID 1400000001 signed with <see cref="TencentSigs.OtherKey"/>.</summary>
    private const string AliceSignedWithAnotherKey =
        "eJw1ycEKgkAUheF3ueuwGdMxBloVWFoS6aalzdz0OirimBTRuwdaZ3e*-w3ZMXVG7EGC6zBYTJ80tgPdaeK8JoW-YLXJu440SO6xeXwuAzUIkgcicF1fMDYrPjvqEeRaeH*yVICE83J-LYNLvDrUr8fW7BKTVXFoI97eVJGeSPhRmFRj6TdqA58viMQwpg__";

    private static readonly TencentCredentials App = new(TencentSigs.SdkAppId, TencentSigs.Key, TencentSigs.Admin);

    private readonly ManualTimeProvider _clock = new(MadeAt.AddMinutes(1));

    private UserSigVerifier Verifier => new(_clock);

    [Fact]
    public void Verify_AcceptsTencentsSig_AndGivesItsExpiry()
    {
        var check = Verifier.Verify(Alice, App, "alice");

        Assert.Equal(UserSigVerdict.Valid, check.Verdict);
        Assert.Equal(MadeAt.ToUnixTimeSeconds() + 86400, check.ExpiresAtUnixSeconds);
    }

    [Fact]
    public void Verify_AcceptsASigThatAlsoSignsAUserBuf()
    {
        Assert.Equal(UserSigVerdict.Valid, Verifier.Verify(BobWithUserBuf, App, "bob").Verdict);
    }

    [Fact]
    public void Verify_RefusesTheSigAsExpired_OnceItsLifetimeHasPassed()
    {
        _clock.SetUtcNow(MadeAt.AddSeconds(86400 - 1));
        Assert.Equal(UserSigVerdict.Valid, Verifier.Verify(Alice, App, "alice").Verdict);

        _clock.SetUtcNow(MadeAt.AddSeconds(86400));
        Assert.Equal(UserSigVerdict.Expired, Verifier.Verify(Alice, App, "alice").Verdict);
    }

    [Theory]
    [InlineData("Alice")]
    [InlineData("bob")]
    [InlineData("")]
    public void Verify_RefusesTheSig_WhenTheRequestNamesAnotherIdentifier(string identifier)
    {
        Assert.Equal(UserSigVerdict.IdentifierMismatch, Verifier.Verify(Alice, App, identifier).Verdict);
    }

    [Fact]
    public void Verify_RefusesASigOfAnotherSdkAppId()
    {
        Assert.Equal(UserSigVerdict.SdkAppIdMismatch, Verifier.Verify(AliceOfOtherApp, App, "alice").Verdict);
    }

    [Fact]
    public void Verify_RefusesASigSignedWithAnotherKey()
    {
        Assert.Equal(UserSigVerdict.BadSignature, Verifier.Verify(AliceSignedWithAnotherKey, App, "alice").Verdict);
        var otherKey = new TencentCredentials(TencentSigs.SdkAppId, TencentSigs.OtherKey, TencentSigs.Admin);
        Assert.Equal(UserSigVerdict.BadSignature, Verifier.Verify(Alice, otherKey, "alice").Verdict);
    }

    [Fact]
    public void Verify_RefusesASigWhoseDocumentWasAltered_EvenWhenItStillDecodes()
    {
        // Lengthen the lifetime in the document and re-pack it: well-formed, but the HMAC no longer matches.
        var json = Inflate(Alice).Replace("\"TLS.expire\":86400", "\"TLS.expire\":8640000", StringComparison.Ordinal);

        Assert.Equal(UserSigVerdict.BadSignature, Verifier.Verify(Deflate(json), App, "alice").Verdict);
    }

    [Fact]
    public void Verify_RefusesEveryOneCharacterChange_WithoutThrowing()
    {
        for (var i = 0; i < Alice.Length; i++)
        {
            var tampered = Alice[..i] + (Alice[i] == 'A' ? 'B' : 'A') + Alice[(i + 1)..];
            if (Decode(tampered).AsSpan().SequenceEqual(Decode(Alice)))
                continue; // the last character's unused low bits: the same bytes, not a change
            var verdict = Verifier.Verify(tampered, App, "alice").Verdict;
            Assert.True(verdict != UserSigVerdict.Valid, $"a change at {i} was accepted");
        }
    }

    [Theory]
    [InlineData("not a sig")]
    [InlineData("eJw")]
    [InlineData("AAAA")]
    [InlineData("eJwrSS0uUchLzE0FAA*TA*Q_")]
    public void Verify_RefusesAsMalformed_WhatIsNotAUserSig(string sig)
    {
        Assert.Equal(UserSigVerdict.Malformed, Verifier.Verify(sig, App, "alice").Verdict);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"TLS.identifier":"alice","TLS.sdkappid":1400000001,"TLS.time":1767225600,"TLS.expire":600}""")]
    [InlineData("""{"TLS.identifier":7,"TLS.sdkappid":1400000001,"TLS.time":1767225600,"TLS.expire":600,"TLS.sig":"AAAA"}""")]
    [InlineData("""{"TLS.identifier":"alice","TLS.sdkappid":1400000001,"TLS.time":-5,"TLS.expire":600,"TLS.sig":"AAAA"}""")]
    [InlineData("""{"TLS.identifier":"alice","TLS.sdkappid":1400000001,"TLS.time":9223372036854775000,"TLS.expire":9000,"TLS.sig":"AAAA"}""")]
    [InlineData("""{"TLS.identifier":"alice","TLS.sdkappid":1400000001,"TLS.time":1767225600,"TLS.expire":600,"TLS.sig":"%%"}""")]
    public void Verify_RefusesAsMalformed_ADocumentThatIsNotTencents(string json)
    {
        Assert.Equal(UserSigVerdict.Malformed, Verifier.Verify(Deflate(json), App, "alice").Verdict);
    }

    [Fact]
    public void Verify_RefusesAnEmptySig()
    {
        Assert.Equal(UserSigVerdict.Empty, Verifier.Verify("", App, "alice").Verdict);
    }

    [Fact]
    public void Verify_RefusesAsMalformed_ASigOverTheSizeLimitOrInflatingPastIt()
    {
        Assert.Equal(UserSigVerdict.Malformed, Verifier.Verify(new string('A', UserSigVerifier.MaxSigLength + 4), App, "alice").Verdict);
        // A small sig that inflates to megabytes: stopped at the document limit.
        var bomb = Deflate(new string(' ', 1024 * 1024));
        Assert.True(bomb.Length < UserSigVerifier.MaxSigLength);
        Assert.Equal(UserSigVerdict.Malformed, Verifier.Verify(bomb, App, "alice").Verdict);
    }

    [Fact]
    public void Verify_AcceptsASigMadeHere_WithNumbersWrittenAsStrings()
    {
        // Some server libraries write the numbers as strings; the signed text is the same.
        const string content = "TLS.identifier:carol\nTLS.sdkappid:1400000001\nTLS.time:1767225600\nTLS.expire:600\n";
        var hmac = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(TencentSigs.Key), Encoding.UTF8.GetBytes(content)));
        var json = $$"""{"TLS.ver":"2.0","TLS.identifier":"carol","TLS.sdkappid":"1400000001","TLS.time":"1767225600","TLS.expire":"600","TLS.sig":"{{hmac}}"}""";

        Assert.Equal(UserSigVerdict.Valid, Verifier.Verify(Deflate(json), App, "carol").Verdict);
    }

    private static byte[] Decode(string sig) => Convert.FromBase64String(sig.Replace('*', '+').Replace('-', '/').Replace('_', '='));

    private static string Inflate(string sig)
    {
        using var zlib = new ZLibStream(new MemoryStream(Decode(sig)), CompressionMode.Decompress);
        using var reader = new StreamReader(zlib, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static string Deflate(string json)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
            zlib.Write(Encoding.UTF8.GetBytes(json));
        return Convert.ToBase64String(output.ToArray()).Replace('+', '*').Replace('/', '-').Replace('=', '_');
    }
}
