namespace Presence.Api.Tests;

/// <summary>What Tencent's library is asked to sign: a UserSig for <paramref name="Identifier"/>, made at <paramref name="Time"/> (Unix seconds), valid for <paramref name="Expire"/> seconds.</summary>
public sealed record UserSigSpec(long SdkAppId, string Key, string Identifier, long Expire, long Time);
