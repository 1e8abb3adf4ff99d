namespace Presence.Orleans.Runtime;

/// <summary>The storage backend cannot be reached or did not answer in time; callers may retry later.</summary>
public sealed class StorageUnavailableException(string message, Exception? innerException = null)
    : Exception(message, innerException);
