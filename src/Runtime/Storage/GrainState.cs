namespace Presence.Orleans.Runtime;

/// <summary>A grain's persistent state as the storage provider sees it: value, version, existence.</summary>
public sealed class GrainState<T>
    where T : new()
{
    public T State { get; set; } = new();

    /// <summary>Version of the stored record; null until the record exists.</summary>
    public string? ETag { get; set; }

    public bool RecordExists { get; set; }
}
