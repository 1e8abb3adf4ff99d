using System.Globalization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Runtime.Hosting;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using Presence.Grains;
using Presence.Webhooks;

namespace Presence.Storage;

/// <summary>
/// Our grain storage provider on PostgreSQL (<c>Presence:Storage:GrainStorage=GroupCommit</c>): one row per grain and
/// state in <c>presence_grain_state</c>, the state serialized by the silo's grain storage serializer, the row's version
/// as ETag. Writes go through <see cref="GrainStateWriter"/>, which commits the writes of many grains together; reads
/// and clears are single statements. The contract is Orleans' (as its ADO.NET provider keeps it): a write or clear
/// whose ETag is not the stored version throws <see cref="InconsistentStateException"/>, and Orleans then deactivates
/// the activation; <see cref="IGrainState{T}.RecordExists"/> is true while a state is stored; an outage throws
/// <see cref="StorageUnavailableException"/>.
/// </summary>
internal sealed class GroupCommitGrainStorage(
    string name, PostgresDatabase database, GrainStateWriter writer, IGrainStorageSerializer serializer, IActivatorProvider activators, string serviceId)
    : IGrainStorage, IAsyncDisposable, IDisposable
{
    private const string ReadSql =
        "SELECT version, payload FROM presence_grain_state WHERE service_id = $1 AND grain_id = $2 AND state_name = $3";

    private const string ClearSql =
        "UPDATE presence_grain_state SET version = version + 1, payload = NULL, modified_at = now() " +
        "WHERE service_id = $1 AND grain_id = $2 AND state_name = $3 AND version = $4 RETURNING version";

    /// <summary>The writer, for tests and diagnostics (its batch counts).</summary>
    internal GrainStateWriter Writer => writer;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        long? version = null;
        byte[]? payload = null;
        try
        {
            await using var command = database.DataSource.CreateCommand(ReadSql);
            AddKey(command, grainId, stateName);
            await using (var reader = await command.ExecuteReaderAsync())
            {
                if (await reader.ReadAsync())
                {
                    version = reader.GetInt64(0);
                    payload = reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1);
                }
            }
            database.Succeeded();
        }
        catch (Exception exception) when (StorageErrors.MustTranslate(exception))
        {
            throw database.Translate(exception, $"reading the state of {grainId}");
        }
        grainState.State = payload is null ? CreateState<T>() : serializer.Deserialize<T>(new BinaryData(payload));
        grainState.ETag = ToETag(version);
        grainState.RecordExists = payload is not null;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        // Serialized here, on the caller's turn: the batch holds bytes, never a state object the grain may change.
        var payload = serializer.Serialize(grainState.State).ToArray();
        var webhooks = (grainState.State as IWebhookEventCarrier)?.PendingWebhooks;
        var version = await writer.WriteAsync(grainId.ToString(), stateName, FromETag(grainState.ETag), payload, webhooks)
            ?? throw Conflict("WriteState", stateName, grainId, grainState.ETag);
        grainState.ETag = ToETag(version);
        grainState.RecordExists = true;
    }

    /// <summary>Keeps the row with its payload removed and its version moved on, as Orleans' ADO.NET storage does by default.</summary>
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.ETag is null)
        {
            // Never read or written by this activation: nothing to clear unless a row exists, and then clear that one.
            await ReadStateAsync(stateName, grainId, grainState);
            if (grainState.ETag is null)
                return;
        }
        long? version;
        try
        {
            await using var command = database.DataSource.CreateCommand(ClearSql);
            AddKey(command, grainId, stateName);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = FromETag(grainState.ETag)!.Value });
            version = (long?)await command.ExecuteScalarAsync();
            database.Succeeded();
        }
        catch (Exception exception) when (StorageErrors.MustTranslate(exception))
        {
            throw database.Translate(exception, $"clearing the state of {grainId}");
        }
        if (version is null)
            throw Conflict("ClearState", stateName, grainId, grainState.ETag);
        grainState.State = CreateState<T>();
        grainState.ETag = ToETag(version);
        grainState.RecordExists = false;
    }

    private void AddKey(NpgsqlCommand command, GrainId grainId, string stateName)
    {
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.ToString() });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stateName });
    }

    private T CreateState<T>() => activators.GetActivator<T>().Create();

    private static string? ToETag(long? version) => version?.ToString(CultureInfo.InvariantCulture);

    private static long? FromETag(string? etag) => etag is null ? null : long.Parse(etag, NumberStyles.None, CultureInfo.InvariantCulture);

    private InconsistentStateException Conflict(string operation, string stateName, GrainId grainId, string? etag) =>
        new($"Version conflict ({operation}): ServiceId={serviceId} ProviderName={name} StateName={stateName} GrainId={grainId} ETag={etag ?? "(none)"}.",
            storedEtag: null, currentEtag: etag);

    public ValueTask DisposeAsync() => writer.DisposeAsync();

    public void Dispose() => writer.Dispose();
}

internal static class GroupCommitGrainStorageExtensions
{
    /// <summary>
    /// Registers <see cref="GroupCommitGrainStorage"/> as the grain storage named <paramref name="name"/>, on the shared
    /// <see cref="PostgresDatabase"/> and the silo's grain storage serializer; tuning binds from <c>Presence:Storage:GroupCommit</c>.
    /// </summary>
    public static ISiloBuilder AddGroupCommitGrainStorage(this ISiloBuilder silo, string name)
    {
        silo.Services.AddOptions<GroupCommitOptions>().BindConfiguration(GroupCommitOptions.SectionName).ValidateOnStart();
        silo.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GroupCommitOptions>, GroupCommitOptionsValidator>());
        silo.Services.AddGrainStorage(name, static (sp, name) =>
        {
            var database = sp.GetRequiredService<PostgresDatabase>();
            var serviceId = sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId;
            var writer = new GrainStateWriter(database, serviceId, sp.GetRequiredService<IOptions<GroupCommitOptions>>().Value,
                sp.GetRequiredService<ILogger<GrainStateWriter>>(), sp.GetService<WebhookOutboxSignal>());
            return new GroupCommitGrainStorage(name, database, writer, sp.GetRequiredService<IGrainStorageSerializer>(), sp.GetRequiredService<IActivatorProvider>(), serviceId);
        });
        return silo;
    }
}
