namespace Presence.Api;

/// <summary>The outcome of a UserSig check, and when a valid sig expires (Unix seconds; 0 unless valid).</summary>
internal readonly record struct UserSigCheck(UserSigVerdict Verdict, long ExpiresAtUnixSeconds)
{
    public bool IsValid => Verdict == UserSigVerdict.Valid;
}
