namespace Presence.Cluster.Tests;

/// <summary>The dev app's token, issued once by whichever process is asked first and valid on all of them.</summary>
public sealed class AppToken
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;

    public async Task<string> GetAsync(PresenceRest issuer)
    {
        if (Volatile.Read(ref _token) is { } token)
            return token;
        await _gate.WaitAsync();
        try
        {
            return _token ??= await issuer.IssueAppTokenAsync();
        }
        finally
        {
            _gate.Release();
        }
    }
}
