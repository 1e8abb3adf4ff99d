namespace Presence.Cluster.Tests;

/// <summary>
/// One R1 of a <see cref="WriteLoad"/>: resource <see cref="Resource"/> of <see cref="User"/> set to <c>s{Seq}</c>, and
/// ext to <c>w{Seq}</c>; <see cref="Seq"/> is unique in the load, so a state read back names the write that made it.
/// </summary>
public sealed record WriteRecord(string User, string Resource, long Seq, long StartedAt, RestOutcome Outcome)
{
    public string Status => $"s{Seq}";

    public string Ext => $"w{Seq}";
}
