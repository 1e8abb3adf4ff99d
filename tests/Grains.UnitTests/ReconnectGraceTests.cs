namespace Presence.Grains.UnitTests;

public sealed class ReconnectGraceTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(15);
    private static readonly DateTimeOffset T0 = Fakes.Start;

    [Fact]
    public void Off_HoldsNothing()
    {
        var grace = new ReconnectGrace(TimeSpan.Zero);

        Assert.False(grace.Hold("web", T0));
        Assert.Null(grace.Due);
        Assert.False(grace.Resume("web"));
    }

    [Fact]
    public void HeldResource_IsDueAtItsDropPlusTheGrace_AndTheEarliestComesFirst()
    {
        var grace = new ReconnectGrace(Grace);
        grace.Hold("ios", T0.AddSeconds(5));
        grace.Hold("web", T0);

        Assert.Equal(T0 + Grace, grace.Due);
        Assert.Empty(grace.TakeExpired(T0 + Grace - TimeSpan.FromTicks(1)));
        Assert.Equal([("web", T0)], grace.TakeExpired(T0 + Grace));
        Assert.Equal(T0.AddSeconds(5) + Grace, grace.Due);
        Assert.True(grace.IsHeld("ios"));
        Assert.False(grace.IsHeld("web"));
    }

    [Fact]
    public void Resume_EndsTheHold_OnlyForAHeldResource()
    {
        var grace = new ReconnectGrace(Grace);
        grace.Hold("web", T0);

        Assert.False(grace.Resume("ios"));
        Assert.True(grace.Resume("web"));
        Assert.False(grace.Resume("web"));
        Assert.Equal(0, grace.Count);
        Assert.Null(grace.Due);
    }

    [Fact]
    public void DroppingAgain_RestartsTheGraceFromTheNewDrop()
    {
        var grace = new ReconnectGrace(Grace);
        grace.Hold("web", T0);
        grace.Resume("web");
        grace.Hold("web", T0.AddSeconds(10));

        Assert.Equal(T0.AddSeconds(10) + Grace, grace.Due);
    }
}
