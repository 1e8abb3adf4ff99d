using Npgsql;

namespace Presence.Storage;

/// <summary>
/// Accounts in <c>presence_accounts</c>. The primary key (app, username) makes a username unique whichever silo
/// registers it: <c>INSERT … ON CONFLICT DO NOTHING</c> writes one row for exactly one of concurrent registrations.
/// </summary>
internal sealed class PostgresAccountTable(PostgresDatabase database) : IAccountTable
{
    private const string InsertSql =
        "INSERT INTO presence_accounts (app, username, password_hash, nickname, activated, created_at, modified_at) " +
        "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (app, username) DO NOTHING";

    private const string ReadSql =
        "SELECT password_hash, nickname, activated, created_at, modified_at FROM presence_accounts WHERE app = $1 AND username = $2";

    private const string SetPasswordSql =
        "UPDATE presence_accounts SET password_hash = $3, modified_at = $4 WHERE app = $1 AND username = $2";

    private const string DeleteSql = "DELETE FROM presence_accounts WHERE app = $1 AND username = $2";

    public Task<bool> InsertAsync(AccountRow row, CancellationToken cancellationToken) =>
        ExecuteAsync(InsertSql, $"registering {row.App}/{row.Username}", cancellationToken,
            P(row.App), P(row.Username), P(row.PasswordHash), new NpgsqlParameter<string?> { TypedValue = row.Nickname, DataTypeName = "text" },
            new NpgsqlParameter<bool> { TypedValue = row.Activated }, P(row.CreatedAt.ToUniversalTime()), P(row.ModifiedAt.ToUniversalTime()));

    public async Task<AccountRow?> ReadAsync(string app, string username, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = database.DataSource.CreateCommand(ReadSql);
            command.Parameters.Add(P(app));
            command.Parameters.Add(P(username));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            AccountRow? row = null;
            if (await reader.ReadAsync(cancellationToken))
            {
                row = new AccountRow(app, username, reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetBoolean(2),
                    reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4));
            }
            database.Succeeded();
            return row;
        }
        catch (Exception exception) when (StorageErrors.MustTranslate(exception))
        {
            throw database.Translate(exception, $"reading account {app}/{username}");
        }
    }

    public Task<bool> SetPasswordAsync(string app, string username, string passwordHash, DateTimeOffset modifiedAt, CancellationToken cancellationToken) =>
        ExecuteAsync(SetPasswordSql, $"setting the password of {app}/{username}", cancellationToken,
            P(app), P(username), P(passwordHash), P(modifiedAt.ToUniversalTime()));

    public Task<bool> DeleteAsync(string app, string username, CancellationToken cancellationToken) =>
        ExecuteAsync(DeleteSql, $"deleting account {app}/{username}", cancellationToken, P(app), P(username));

    private async Task<bool> ExecuteAsync(string sql, string operation, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        try
        {
            await using var command = database.DataSource.CreateCommand(sql);
            command.Parameters.AddRange(parameters);
            var rows = await command.ExecuteNonQueryAsync(cancellationToken);
            database.Succeeded();
            return rows > 0;
        }
        catch (Exception exception) when (StorageErrors.MustTranslate(exception))
        {
            throw database.Translate(exception, operation);
        }
    }

    private static NpgsqlParameter<string> P(string value) => new() { TypedValue = value };

    private static NpgsqlParameter<DateTimeOffset> P(DateTimeOffset value) => new() { TypedValue = value };
}
