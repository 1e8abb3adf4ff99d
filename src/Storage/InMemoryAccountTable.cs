using System.Collections.Concurrent;

namespace Presence.Storage;

/// <summary>
/// Accounts in process memory (the embedded default: one silo, nothing survives a restart). Uniqueness is the
/// dictionary's: of concurrent inserts of one name, exactly one <c>TryAdd</c> wins.
/// </summary>
internal sealed class InMemoryAccountTable : IAccountTable
{
    private readonly ConcurrentDictionary<(string App, string Username), AccountRow> _rows = new();

    public Task<bool> InsertAsync(AccountRow row, CancellationToken cancellationToken) =>
        Task.FromResult(_rows.TryAdd((row.App, row.Username), row));

    public Task<AccountRow?> ReadAsync(string app, string username, CancellationToken cancellationToken) =>
        Task.FromResult(_rows.GetValueOrDefault((app, username)));

    public Task<bool> SetPasswordAsync(string app, string username, string passwordHash, DateTimeOffset modifiedAt, CancellationToken cancellationToken)
    {
        while (_rows.TryGetValue((app, username), out var row))
        {
            if (_rows.TryUpdate((app, username), row with { PasswordHash = passwordHash, ModifiedAt = modifiedAt }, row))
                return Task.FromResult(true);
        }
        return Task.FromResult(false);
    }

    public Task<bool> DeleteAsync(string app, string username, CancellationToken cancellationToken) =>
        Task.FromResult(_rows.TryRemove((app, username), out _));
}
