namespace Presence.Storage;

/// <summary>Process memory is always there.</summary>
internal sealed class InMemoryStorageHealth : IStorageHealth
{
    public string Backend => "memory";

    public Task PingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
