namespace Presence.Testing;

/// <summary>The service exited while it was expected to come up.</summary>
public sealed class ServiceExitedException(string name, int exitCode, string tail)
    : Exception($"{name} exited with code {exitCode} before it was ready; last output:\n{tail}")
{
    public string Output { get; } = tail;
}
