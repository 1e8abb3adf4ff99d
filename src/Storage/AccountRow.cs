namespace Presence.Storage;

/// <summary>One registered user of the app <paramref name="App"/> (<c>{org}/{app}</c>); the password only as its hash.</summary>
public sealed record AccountRow(
    string App,
    string Username,
    string PasswordHash,
    string? Nickname,
    bool Activated,
    DateTimeOffset CreatedAt,
    DateTimeOffset ModifiedAt);
