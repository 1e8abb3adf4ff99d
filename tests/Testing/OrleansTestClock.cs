using Microsoft.Extensions.DependencyInjection;
using Orleans.Reminders;
using Orleans.Runtime;

namespace Presence.Testing;

/// <summary>
/// Puts a test clock under what the presence service measures time with — grain timers, reminders, and the
/// gateway's own <see cref="TimeProvider"/> (tokens, rate limits) — while Orleans' own machinery (messaging,
/// membership, directory, activation collection, system timers) keeps real time, so advancing the test clock never
/// expires a call or a silo. Orleans resolves each area's clock by key (<see cref="TimeProviderNames"/>).
/// </summary>
public static class OrleansTestClock
{
    private static readonly string[] RealTimeAreas =
    [
        TimeProviderNames.Messaging,
        TimeProviderNames.SystemTimers,
        TimeProviderNames.Membership,
        TimeProviderNames.ActivationManagement,
        TimeProviderNames.GrainDirectory,
    ];

    public static IServiceCollection UseTestClock(this IServiceCollection services, TimeProvider clock)
    {
        services.AddSingleton(clock);
        services.AddKeyedSingleton(TimeProviderNames.Grains, clock);
        services.AddKeyedSingleton(ReminderTimeProviderNames.Reminders, clock);
        foreach (var area in RealTimeAreas)
            services.AddKeyedSingleton(area, TimeProvider.System);
        return services;
    }
}
