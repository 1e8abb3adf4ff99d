namespace Presence.Grains;

/// <summary>A registration's outcome and the account as stored (the existing one when <see cref="RegisterOutcome.Exists"/>).</summary>
[GenerateSerializer, Immutable, Alias("presence.RegisterResult")]
public sealed record RegisterResult([property: Id(0)] RegisterOutcome Outcome, [property: Id(1)] UserAccount? Account);
