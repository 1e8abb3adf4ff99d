namespace Presence.Grains;

/// <summary>A registered user as Easemob shows it (never its password): times are Unix milliseconds.</summary>
[GenerateSerializer, Immutable, Alias("presence.UserAccount")]
public sealed record UserAccount(
    [property: Id(0)] string Username,
    [property: Id(1)] string? Nickname,
    [property: Id(2)] long CreatedMs,
    [property: Id(3)] long ModifiedMs,
    [property: Id(4)] bool Activated);
