using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Presence.Webhooks;

namespace Presence.Grains;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>
    /// Registers what the presence grains need besides Orleans itself: the <see cref="PresenceLimits"/> they enforce
    /// (section <c>Presence:Limits</c>, validated at start), and grain state that calls its storage provider on the grain's
    /// turn (<see cref="InlinePersistentState{TState}"/>). The grain classes are found by Orleans. Pair with
    /// <c>AddInMemorySubscriptions</c> or <c>AddPostgresSubscriptions</c> (src/Storage).
    /// </summary>
    public static IServiceCollection AddPresenceGrains(this IServiceCollection services)
    {
        services.AddOptions<PresenceLimits>().BindConfiguration(PresenceLimits.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PresenceLimits>, PresenceLimitsValidator>());
        services.AddOptions<PresenceRealtimeOptions>().BindConfiguration(PresenceRealtimeOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PresenceRealtimeOptions>, PresenceRealtimeOptionsValidator>());
        // Not TryAdd: a silo that also hosts the API registers the gateway's grain-less default too; the grains' wins.
        services.AddSingleton<LocalPresenceSnapshots>();
        services.AddSingleton<ILocalPresenceSnapshots>(static sp => sp.GetRequiredService<LocalPresenceSnapshots>());
        // Account passwords: ASP.NET Core Identity's PBKDF2 hasher with its defaults (Presence:Accounts:PasswordHasher binds its options).
        services.AddOptions<PasswordHasherOptions>().BindConfiguration("Presence:Accounts:PasswordHasher");
        services.TryAddSingleton<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        services.TryAddSingleton<PasswordHashing>();
        // The API, when co-hosted, registers the apps' switch over this default (before or after: it replaces it).
        services.TryAddSingleton<IFriendNotificationSwitch, FriendNotificationOff>();
        // Not TryAdd either: Orleans registers its own factory with TryAdd, before or after this; the last one wins.
        services.AddSingleton<IPersistentStateFactory, InlinePersistentStateFactory>();
        // No webhook rules unless the host registers its own catalog (the silo does, from the apps' configuration).
        services.TryAddSingleton(IWebhookRuleCatalog.None);
        return services;
    }
}
