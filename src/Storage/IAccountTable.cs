namespace Presence.Storage;

/// <summary>
/// Registered users, one row per (app, username). The store alone decides uniqueness: <see cref="InsertAsync"/> is
/// false when the username is taken, whichever silo asked first.
/// </summary>
public interface IAccountTable
{
    /// <summary>Inserts the row unless the username is taken in its app; false when it is.</summary>
    Task<bool> InsertAsync(AccountRow row, CancellationToken cancellationToken);

    Task<AccountRow?> ReadAsync(string app, string username, CancellationToken cancellationToken);

    /// <summary>Replaces the password hash; false when there is no such user.</summary>
    Task<bool> SetPasswordAsync(string app, string username, string passwordHash, DateTimeOffset modifiedAt, CancellationToken cancellationToken);

    /// <summary>Deletes the row; false when there was none.</summary>
    Task<bool> DeleteAsync(string app, string username, CancellationToken cancellationToken);
}
