namespace Presence.Grains;

/// <summary>How a password check ended (Easemob's <c>invalid_grant</c> cases, and the guessing brake).</summary>
[GenerateSerializer, Alias("presence.LoginOutcome")]
public enum LoginOutcome
{
    Ok,
    WrongPassword,
    NotFound,
    NotActivated,
    /// <summary>Too many failures lately: refused without checking until <see cref="LoginResult.RetryAfter"/> has passed.</summary>
    Throttled,
}
