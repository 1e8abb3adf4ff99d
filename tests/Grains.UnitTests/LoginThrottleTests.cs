namespace Presence.Grains.UnitTests;

public sealed class LoginThrottleTests
{
    private static readonly DateTimeOffset T0 = Fakes.Start;

    [Fact]
    public void FiveFailuresInAMinute_BlockForTenSeconds_ThenTwenty()
    {
        var throttle = new LoginThrottle();
        for (var i = 0; i < 4; i++)
            throttle.Failed(T0.AddSeconds(i));
        Assert.False(throttle.IsBlocked(T0.AddSeconds(4), out _));
        throttle.Failed(T0.AddSeconds(4));
        Assert.True(throttle.IsBlocked(T0.AddSeconds(5), out var retry));
        Assert.Equal(TimeSpan.FromSeconds(9), retry);
        Assert.False(throttle.IsBlocked(T0.AddSeconds(14), out _));

        for (var i = 0; i < 5; i++)
            throttle.Failed(T0.AddSeconds(20 + i));
        Assert.True(throttle.IsBlocked(T0.AddSeconds(24), out retry));
        Assert.Equal(TimeSpan.FromSeconds(20), retry);
    }

    [Fact]
    public void FailuresSpreadOverMoreThanAMinute_DoNotBlock()
    {
        var throttle = new LoginThrottle();
        for (var i = 0; i < 10; i++)
            throttle.Failed(T0.AddSeconds(20 * i));
        Assert.False(throttle.IsBlocked(T0.AddSeconds(200), out _));
    }

    [Fact]
    public void TheDelay_IsCappedAtFifteenMinutes_AndASuccessStartsOver()
    {
        var throttle = new LoginThrottle();
        var now = T0;
        for (var lockout = 0; lockout < 12; lockout++)
        {
            for (var i = 0; i < 5; i++)
                throttle.Failed(now);
            Assert.True(throttle.IsBlocked(now, out var retry));
            Assert.True(retry <= LoginThrottle.MaxDelay);
            now += retry;
        }
        throttle.Succeeded();
        for (var i = 0; i < 5; i++)
            throttle.Failed(now);
        Assert.True(throttle.IsBlocked(now, out var afterSuccess));
        Assert.Equal(LoginThrottle.FirstDelay, afterSuccess);
    }
}
