namespace Presence.Storage;

/// <summary>Which backend keeps grain state, reminders and subscriptions (<c>Presence:Storage</c>).</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Presence:Storage";

    /// <summary>Name of the connection string used by the PostgreSQL provider (<c>ConnectionStrings:Presence</c>).</summary>
    public const string ConnectionStringName = "Presence";

    public StorageProvider Provider { get; set; } = StorageProvider.Memory;

    /// <summary>With <see cref="StorageProvider.Postgres"/>: which grain storage provider writes the grains' state.</summary>
    public GrainStorageProvider GrainStorage { get; set; } = GrainStorageProvider.GroupCommit;

    /// <summary>
    /// Binds <c>Presence:Storage</c>. An unknown <c>GrainStorage</c> is refused here, at start, with the values allowed:
    /// the configuration binder's own message would not list them.
    /// </summary>
    public static StorageOptions Bind(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var grainStorage = section[nameof(GrainStorage)];
        if (grainStorage is not null && !Enum.GetNames<GrainStorageProvider>().Contains(grainStorage.Trim(), StringComparer.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"Unknown {SectionName}:{nameof(GrainStorage)} '{grainStorage}'. Use {nameof(GrainStorageProvider.GroupCommit)} (the default: our provider, " +
                $"writes of many grains committed together) or {nameof(GrainStorageProvider.AdoNet)} (Orleans' ADO.NET grain storage, one commit per write).");
        }
        return section.Get<StorageOptions>() ?? new StorageOptions();
    }
}

public enum StorageProvider
{
    /// <summary>Process memory: the embedded default; nothing survives a restart.</summary>
    Memory,

    /// <summary>PostgreSQL through Npgsql: everything acknowledged survives restarts and crashes.</summary>
    Postgres,
}

/// <summary>The grain storage provider used with <see cref="StorageProvider.Postgres"/> (<c>Presence:Storage:GrainStorage</c>).</summary>
public enum GrainStorageProvider
{
    /// <summary>
    /// Ours (<see cref="GroupCommitGrainStorage"/>, table <c>presence_grain_state</c>): writes that arrive while a commit
    /// is in flight go together in the next transaction; each caller is answered once its own transaction committed.
    /// </summary>
    GroupCommit,

    /// <summary>Orleans' stock ADO.NET grain storage (table <c>OrleansStorage</c>): one transaction per write.</summary>
    AdoNet,
}
