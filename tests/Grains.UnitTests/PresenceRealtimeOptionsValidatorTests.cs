namespace Presence.Grains.UnitTests;

public sealed class PresenceRealtimeOptionsValidatorTests
{
    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:00:15")]
    [InlineData("00:05:00")]
    public void Accepts_FromOffToFiveMinutes(string grace) =>
        Assert.True(Validate(TimeSpan.Parse(grace, System.Globalization.CultureInfo.InvariantCulture)).Succeeded);

    [Theory]
    [InlineData("-00:00:01")]
    [InlineData("00:05:01")]
    public void Refuses_ANegativeOrTooLongGrace_NamingTheKey(string grace)
    {
        var result = Validate(TimeSpan.Parse(grace, System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(result.Failed);
        Assert.Contains("Presence:Realtime:ReconnectGrace", result.FailureMessage, StringComparison.Ordinal);
    }

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(TimeSpan grace) =>
        new PresenceRealtimeOptionsValidator().Validate(null, new PresenceRealtimeOptions { ReconnectGrace = grace });
}
