namespace Presence.Storage;

/// <summary>
/// Whether the silo's storage answers right now (readiness probes). Throws
/// <see cref="StorageUnavailableException"/> when it does not.
/// </summary>
public interface IStorageHealth
{
    /// <summary>Short name of the backend, for probe output ("memory", "postgres").</summary>
    string Backend { get; }

    /// <summary>Whether a call has found the storage unavailable since its last success (a cached "ready" is then stale).</summary>
    bool IsKnownUnavailable => false;

    Task PingAsync(CancellationToken cancellationToken);
}
