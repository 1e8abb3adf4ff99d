namespace Presence.Grains.UnitTests;

public sealed class LocalSnapshotEntryTests
{
    private static readonly UserKey Alice = UserKey.Create("org", "app", "alice");
    private readonly LocalPresenceSnapshots _snapshots = new();

    [Fact]
    public void SnapshotReadDuringAWrite_IsNotShown_UntilTheWriteEnds()
    {
        var entry = new LocalSnapshotEntry(_snapshots, Alice);
        var durable = PresenceSnapshot.Empty("alice");
        entry.Show(durable);
        Assert.True(_snapshots.TryGet(Alice, out _));

        entry.BeginWrite();
        var inFlight = durable with { Version = 1 };
        entry.Show(inFlight);
        Assert.False(_snapshots.TryGet(Alice, out _)); // withdrawn: the write may fail

        entry.EndWrite();
        entry.Show(inFlight);
        Assert.True(_snapshots.TryGet(Alice, out var shown));
        Assert.Same(inFlight, shown);

        entry.Remove();
        Assert.False(_snapshots.TryGet(Alice, out _));
    }
}
