namespace Presence.Api;

/// <summary>
/// What <see cref="UserSigVerifier"/> found. The values are Tencent's error codes for the same failures (its REST route
/// answers them in <c>ErrorCode</c>), so SDKs that match on them keep working.
/// </summary>
internal enum UserSigVerdict
{
    Valid = 0,

    /// <summary>Past <c>TLS.time + TLS.expire</c>.</summary>
    Expired = 70001,

    /// <summary>No sig at all.</summary>
    Empty = 70002,

    /// <summary>Not base64, not zlib, not the JSON document, or fields of the wrong type: a truncated or foreign string.</summary>
    Malformed = 70003,

    /// <summary>The HMAC does not match: made with another key, or altered.</summary>
    BadSignature = 70009,

    /// <summary>Made for another identifier than the request names.</summary>
    IdentifierMismatch = 70013,

    /// <summary>Made for another SDKAppID than the app's.</summary>
    SdkAppIdMismatch = 70014,
}
