using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Presence.Api.Tests;

public sealed class SocketOptionsTests
{
    [Theory]
    [InlineData("Presence:WebSocket:KeepAliveInterval", "00:00:00", "Presence:WebSocket:KeepAliveInterval must be positive.")]
    [InlineData("Presence:WebSocket:SendQueueCapacity", "0", "Presence:WebSocket:SendQueueCapacity must be positive.")]
    [InlineData("Presence:WebSocket:MaxMessageBytes", "100", "Presence:WebSocket:MaxMessageBytes must be at least 1024.")]
    [InlineData("Presence:WebSocket:OperationPermitLimit", "-1", "Presence:WebSocket:OperationPermitLimit must be positive.")]
    public async Task Start_Fails_WhenASocketSettingIsInvalid(string key, string value, string expected)
    {
        await using var factory = new InvalidSettingFactory(key, value);

        var error = Record.Exception(() => factory.Services.GetRequiredService<IOptions<PresenceSocketOptions>>());

        var validation = Assert.IsType<OptionsValidationException>(error);
        Assert.Contains(expected, validation.Failures);
    }

    [Fact]
    public void Defaults_AreTencentsAndTheHeartbeatOfTheIssue()
    {
        var options = new PresenceSocketOptions();

        Assert.Equal((20, TimeSpan.FromSeconds(5)), (options.OperationPermitLimit, options.OperationWindow));
        Assert.Equal((500, 100, 100), (options.MaxUsersPerQuery, options.MaxUsersPerSubscribe, options.MaxUsersPerUnsubscribe));
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60)), (options.KeepAliveInterval, options.KeepAliveTimeout));
    }

    private sealed class InvalidSettingFactory(string key, string value) : GatewayFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings) { [key] = value };
    }
}
