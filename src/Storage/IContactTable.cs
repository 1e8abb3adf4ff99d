namespace Presence.Storage;

/// <summary>
/// Contacts as rows (app, owner, friend), always both directions: an add or a remove writes both rows in one
/// transaction, and the cap (<c>Presence:Limits:MaxContacts</c>) is checked in that transaction for both users.
/// Usernames are bare and lower-case; <c>app</c> is <c>{org}/{app}</c>.
/// </summary>
public interface IContactTable
{
    /// <summary>The contacts of <paramref name="owner"/>, in no particular order.</summary>
    Task<IReadOnlyList<string>> ReadAsync(string app, string owner, CancellationToken cancellationToken);

    Task<ContactWrite> AddAsync(string app, string owner, string friend, int maxContacts, CancellationToken cancellationToken);

    /// <summary>Removes both rows; false when the two were not contacts.</summary>
    Task<bool> RemoveAsync(string app, string owner, string friend, CancellationToken cancellationToken);

    /// <summary>Removes every contact of <paramref name="user"/>, both directions; returns the former contacts.</summary>
    Task<IReadOnlyList<string>> RemoveAllAsync(string app, string user, CancellationToken cancellationToken);
}
