using System.Data;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Runtime;
using Orleans.Storage;

namespace Presence.Storage.Tests;

/// <summary>
/// The one rule for storage failures (<see cref="StorageErrors"/>) and what a storage component throws in place of the
/// driver's exception (<see cref="PostgresDatabase.Translate"/>), exception by exception, without a server.
/// </summary>
public sealed class StorageErrorsTests
{
    public static TheoryData<string> OutageStates => new()
    {
        "08000", "08001", "08003", "08006", // connection exception
        "57P01", "57P02", "57P03", // admin shutdown (pg_terminate_backend, a fast stop), crash shutdown, cannot connect now
        "53000", "53100", "53200", "53300", // insufficient resources: disk full, out of memory, too many connections
        "57014", // statement_timeout
    };

    public static TheoryData<string> ErrorStates => new()
    {
        "42601", "42P01", "42703", // syntax error, undefined table and column: bugs
        "23505", "23503", // unique and foreign key violations
        "22021", // invalid byte sequence (bad data)
        "40001", "40P01", // serialization failure and deadlock: the group commit writer retries them, they are no outage
        "28P01", "3D000", // wrong password, no such database: configuration
        "57P04", // database dropped
    };

    [Theory]
    [MemberData(nameof(OutageStates))]
    public void PostgresException_IsAnOutage_ForConnectionShutdownResourceAndTimeoutStates(string sqlState)
    {
        Assert.True(StorageErrors.IsUnavailable(Postgres(sqlState)));
        // Also inside Orleans' own exceptions, as its ADO.NET code may throw it.
        Assert.True(StorageErrors.IsUnavailable(new OrleansException("storage failed", Postgres(sqlState))));
    }

    [Theory]
    [MemberData(nameof(ErrorStates))]
    public void PostgresException_IsNoOutage_ForBugsDataConflictsAndConfiguration(string sqlState)
    {
        Assert.False(StorageErrors.IsUnavailable(Postgres(sqlState)));
        Assert.False(StorageErrors.IsUnavailable(new OrleansException("storage failed", Postgres(sqlState))));
        Assert.True(StorageErrors.MustTranslate(Postgres(sqlState)));
    }

    [Fact]
    public void NpgsqlException_IsAnOutage_OnlyForSocketIoAndTimeoutFailures()
    {
        Assert.True(StorageErrors.IsUnavailable(new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.True(StorageErrors.IsUnavailable(new NpgsqlException("Exception while reading from stream", new EndOfStreamException())));
        Assert.True(StorageErrors.IsUnavailable(new NpgsqlException("Exception while reading from stream", new TimeoutException())));
        Assert.True(StorageErrors.IsUnavailable(new TimeoutException("no answer")));

        Assert.False(StorageErrors.IsUnavailable(new NpgsqlException("unsupported type")));
        Assert.False(StorageErrors.IsUnavailable(new NpgsqlException("bad frame", new InvalidOperationException())));
        Assert.True(StorageErrors.MustTranslate(new NpgsqlException("unsupported type")));
    }

    [Fact]
    public void OtherExceptions_AreNoOutage_AndPassAsThrown_UnlessTheyCarryADriverException()
    {
        Exception[] passing =
        [
            new InconsistentStateException("version conflict"),
            new StorageUnavailableException("already said"),
            new OrleansException("wrapped", new StorageUnavailableException("already said")),
            new InvalidOperationException("a bug"),
            new IOException("not under Npgsql"),
            new SocketException((int)SocketError.ConnectionRefused),
            new OperationCanceledException(),
        ];
        foreach (var exception in passing)
        {
            Assert.False(StorageErrors.IsUnavailable(exception), exception.GetType().Name);
            Assert.False(StorageErrors.MustTranslate(exception), exception.GetType().Name);
        }

        // The caller cancelled: Npgsql says so with the server's 57014 inside, which is no outage but must not travel.
        var cancelled = new OperationCanceledException("Query was cancelled", Postgres(PostgresErrorCodes.QueryCanceled));
        Assert.False(StorageErrors.IsUnavailable(cancelled));
        Assert.True(StorageErrors.MustTranslate(cancelled));
    }

    [Fact]
    public void Translate_ThrowsNoDriverException_AnOutageAsStorageUnavailable_AnythingElseAsDataException()
    {
        using var database = new PostgresDatabase(
            Options.Create(new PostgresPersistenceOptions { ConnectionString = "Host=127.0.0.1;Username=none" }), NullLogger<PostgresDatabase>.Instance);

        var outage = Assert.IsType<StorageUnavailableException>(database.Translate(Postgres(PostgresErrorCodes.AdminShutdown), "writing rows"));
        Assert.Null(outage.InnerException);
        Assert.Contains("writing rows", outage.Message);
        Assert.Contains("57P01", outage.Message);

        var bug = Assert.IsType<DataException>(database.Translate(Postgres(PostgresErrorCodes.SyntaxError), "writing rows"));
        Assert.Null(bug.InnerException);
        Assert.Contains("42601", bug.Message);

        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        var cancelled = Assert.IsType<OperationCanceledException>(database.Translate(
            new OperationCanceledException("Query was cancelled", Postgres(PostgresErrorCodes.QueryCanceled), cancellation.Token), "reading rows"));
        Assert.Null(cancelled.InnerException);
        Assert.Equal(cancellation.Token, cancelled.CancellationToken);
    }

    [Fact]
    public async Task ReminderTable_ThrowsStorageUnavailable_ForAnOutage_AndNoDriverException_ForABug()
    {
        using var database = new PostgresDatabase(
            Options.Create(new PostgresPersistenceOptions { ConnectionString = "Host=127.0.0.1;Username=none" }), NullLogger<PostgresDatabase>.Instance);
        var grain = GrainId.Create("user", "acme/chat/alice");
        var entry = new ReminderEntry { GrainId = grain, ReminderName = "r", StartAt = DateTime.UtcNow, Period = TimeSpan.FromMinutes(1) };

        var down = new OutageAwareReminderTable(new FailingReminderTable(Postgres(PostgresErrorCodes.AdminShutdown)), database, NullLogger<OutageAwareReminderTable>.Instance);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => down.UpsertRow(entry));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => down.ReadRow(grain, "r"));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => down.ReadRows(grain));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => down.ReadRows(0, uint.MaxValue));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => down.RemoveRow(grain, "r", "1"));

        var broken = new OutageAwareReminderTable(new FailingReminderTable(Postgres(PostgresErrorCodes.UndefinedTable)), database, NullLogger<OutageAwareReminderTable>.Instance);
        await Assert.ThrowsAsync<DataException>(() => broken.UpsertRow(entry));
    }

    [Fact]
    public async Task ReminderTableStart_WaitsForTheDatabase_ButFailsAtOnceOnABug_AndStopsWhenCancelled()
    {
        using var database = new PostgresDatabase(
            Options.Create(new PostgresPersistenceOptions { ConnectionString = "Host=127.0.0.1;Username=none" }), NullLogger<PostgresDatabase>.Instance);
        var outage = new FailingReminderTable(Postgres(PostgresErrorCodes.AdminShutdown)) { StartFailures = 2 };
        var bug = new FailingReminderTable(Postgres(PostgresErrorCodes.UndefinedTable)) { StartFailures = 1 };
        var forever = new FailingReminderTable(Postgres(PostgresErrorCodes.AdminShutdown)) { StartFailures = int.MaxValue };

        await new OutageAwareReminderTable(outage, database, NullLogger<OutageAwareReminderTable>.Instance).StartAsync();
        await Assert.ThrowsAsync<PostgresException>(() => new OutageAwareReminderTable(bug, database, NullLogger<OutageAwareReminderTable>.Instance).StartAsync());
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(1500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new OutageAwareReminderTable(forever, database, NullLogger<OutageAwareReminderTable>.Instance).StartAsync(stop.Token));

        Assert.Equal(3, outage.StartAttempts); // two outages, then started
        Assert.Equal(1, bug.StartAttempts);
    }

    private static PostgresException Postgres(string sqlState) => new($"failure {sqlState}", "FATAL", "FATAL", sqlState);

    private sealed class FailingReminderTable(Exception failure) : IReminderTable
    {
        /// <summary>How many starts fail before one succeeds.</summary>
        public int StartFailures { get; init; }

        public int StartAttempts { get; private set; }

        public Task StartAsync(CancellationToken cancellationToken = default) =>
            ++StartAttempts <= StartFailures ? Task.FromException(failure) : Task.CompletedTask;

        public Task<ReminderTableData> ReadRows(GrainId grainId) => Task.FromException<ReminderTableData>(failure);

        public Task<ReminderTableData> ReadRows(uint begin, uint end) => Task.FromException<ReminderTableData>(failure);

        public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => Task.FromException<ReminderEntry?>(failure);

        public Task<string?> UpsertRow(ReminderEntry entry) => Task.FromException<string?>(failure);

        public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) => Task.FromException<bool>(failure);

        public Task TestOnlyClearTable() => Task.CompletedTask;
    }
}
