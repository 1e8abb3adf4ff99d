namespace Presence.Orleans.Runtime.AdoNet.Tests;

public sealed class TestState
{
    public string? Value { get; set; }
    public List<string> Items { get; set; } = [];
}
