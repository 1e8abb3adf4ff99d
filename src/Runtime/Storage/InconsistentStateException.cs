namespace Presence.Orleans.Runtime;

/// <summary>A state write carried a stale ETag: another activation (or process) wrote first.</summary>
public sealed class InconsistentStateException(string message, string? storedETag = null, string? currentETag = null)
    : Exception(message)
{
    public string? StoredETag { get; } = storedETag;
    public string? CurrentETag { get; } = currentETag;
}
