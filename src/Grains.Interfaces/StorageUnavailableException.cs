namespace Presence.Grains;

/// <summary>
/// The storage backend cannot be reached or did not answer in time; callers may retry later. Grains raise it in
/// place of the driver's exception, so a gateway in another process can recognise an outage (and answer 503)
/// without knowing the database driver.
/// </summary>
[GenerateSerializer, Alias("presence.StorageUnavailableException")]
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
