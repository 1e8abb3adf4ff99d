namespace Presence.Api;

/// <summary>
/// The error codes of Tencent's REST API that its route answers with (docs/api.md#tencent-interop). SDKs and server code
/// written for Tencent match on the code, so each is Tencent's own for the same failure; the texts are ours.
/// </summary>
internal static class TencentErrorCodes
{
    /// <summary>Over the app's rate limit for the route.</summary>
    public const int RateLimited = 60007;

    /// <summary>The identifier is not the app's administrator.</summary>
    public const int AdminRequired = 60010;

    /// <summary>No <c>sdkappid</c> in the URL.</summary>
    public const int SdkAppIdRequired = 60012;

    /// <summary>No app has this SDKAppID.</summary>
    public const int SdkAppIdNotFound = 70020;

    /// <summary>The account is not a legal UserID here (per account, in <c>ErrorList</c>): such an account cannot exist.</summary>
    public const int AccountNotFound = 70107;

    /// <summary>Storage or cluster unavailable: try again later.</summary>
    public const int InternalError = 70500;

    /// <summary>The body is not JSON of the expected shape, or lists no account.</summary>
    public const int InvalidJson = 90001;

    /// <summary><c>To_Account</c> is missing, not an array, or holds something other than strings.</summary>
    public const int InvalidToAccount = 90003;

    /// <summary>More accounts than one call may query.</summary>
    public const int TooManyAccounts = 90011;

    /// <summary>The description of a UserSig refusal, by <see cref="UserSigVerdict"/> (whose value is the code).</summary>
    public static string Describe(UserSigVerdict verdict) => verdict switch
    {
        UserSigVerdict.Expired => "UserSig expired: generate a new one",
        UserSigVerdict.Empty => "usersig is empty",
        UserSigVerdict.Malformed => "UserSig check failed: it is truncated or not a UserSig",
        UserSigVerdict.BadSignature => "UserSig check failed: it was not signed with this SDKAppID's key",
        UserSigVerdict.IdentifierMismatch => "identifier does not match the identifier the UserSig was made for",
        UserSigVerdict.SdkAppIdMismatch => "sdkappid does not match the SDKAppID the UserSig was made for",
        _ => "UserSig check failed",
    };
}
