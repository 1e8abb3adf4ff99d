using Microsoft.Extensions.Options;

namespace Presence.Grains;

internal sealed class PresenceRealtimeOptionsValidator : IValidateOptions<PresenceRealtimeOptions>
{
    public ValidateOptionsResult Validate(string? name, PresenceRealtimeOptions options) =>
        options.ReconnectGrace < TimeSpan.Zero || options.ReconnectGrace > PresenceRealtimeOptions.MaxReconnectGrace
            ? ValidateOptionsResult.Fail(
                $"{PresenceRealtimeOptions.SectionName}:{nameof(PresenceRealtimeOptions.ReconnectGrace)} must be between 00:00:00 and {PresenceRealtimeOptions.MaxReconnectGrace:c} (it is {options.ReconnectGrace:c}); 0 turns it off.")
            : ValidateOptionsResult.Success;
}
