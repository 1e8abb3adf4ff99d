using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Presence.Orleans.Runtime;

namespace Presence.Orleans.Grains;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the presence grain classes on a silo and the <see cref="PresenceLimits"/> they enforce
    /// (section <c>Presence:Limits</c>, validated at start). Pair with <c>AddPresenceGrainReferences</c>.
    /// </summary>
    public static IServiceCollection AddPresenceGrains(this IServiceCollection services)
    {
        services.AddOptions<PresenceLimits>().BindConfiguration(PresenceLimits.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PresenceLimits>, PresenceLimitsValidator>());
        services.AddGrain<UserPresenceGrain>(UserPresenceGrainReference.GrainType);
        return services;
    }
}
