using Microsoft.Extensions.DependencyInjection;
using Presence.Orleans.Runtime;

namespace Presence.Orleans.Grains;

public static class GrainInterfacesServiceCollectionExtensions
{
    /// <summary>Registers the references of the presence grain interfaces, for silos and clients alike.</summary>
    public static IServiceCollection AddPresenceGrainReferences(this IServiceCollection services) =>
        services
            .AddGrainReference<IUserPresenceGrain>(
                UserPresenceGrainReference.GrainType,
                static (id, invoker) => new UserPresenceGrainReference(id, invoker))
            .AddGrainReference<IPresenceObserver>(
                PresenceObserverReference.GrainType,
                static (id, invoker) => new PresenceObserverReference(id, invoker));

    /// <summary>The grain of one user of one app.</summary>
    public static IUserPresenceGrain GetUserGrain(this IGrainFactory factory, UserKey user) =>
        factory.GetGrain<IUserPresenceGrain>(user.ToString());
}
