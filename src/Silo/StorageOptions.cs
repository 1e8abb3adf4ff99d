namespace Presence.Orleans.Silo;

/// <summary>Which backend keeps grain state, reminders and subscriptions (<c>Presence:Storage</c>).</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Presence:Storage";

    /// <summary>Name of the connection string used by the PostgreSQL provider (<c>ConnectionStrings:Presence</c>).</summary>
    public const string ConnectionStringName = "Presence";

    public StorageProvider Provider { get; set; } = StorageProvider.Memory;
}

public enum StorageProvider
{
    /// <summary>Process memory: the embedded default; nothing survives a restart.</summary>
    Memory,

    /// <summary>PostgreSQL through Npgsql: everything acknowledged survives restarts and crashes.</summary>
    Postgres,
}
