namespace Presence.Grains;

/// <summary>A password check: the outcome, the account when it is <see cref="LoginOutcome.Ok"/>, the wait when throttled.</summary>
[GenerateSerializer, Immutable, Alias("presence.LoginResult")]
public sealed record LoginResult(
    [property: Id(0)] LoginOutcome Outcome,
    [property: Id(1)] UserAccount? Account,
    [property: Id(2)] TimeSpan RetryAfter);
