using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Presence.Orleans.Runtime;

public static class GrainRuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Adds a silo's runtime: activations, grain factory, reminder service, idle collection.
    /// Storage providers are added separately (<see cref="AddInMemoryGrainPersistence"/> or PostgreSQL).
    /// </summary>
    public static IServiceCollection AddGrainRuntime(this IServiceCollection services, Action<GrainRuntimeOptions>? configure = null)
    {
        var options = services.AddOptions<GrainRuntimeOptions>().BindConfiguration(GrainRuntimeOptions.SectionName).ValidateOnStart();
        if (configure is not null)
            options.Configure(configure);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrainRuntimeOptions>, GrainRuntimeOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GrainTypeRegistry>();
        services.TryAddSingleton<SiloStatus>();
        services.TryAddSingleton<ObserverRegistry>();
        services.TryAddSingleton<Catalog>();
        services.TryAddSingleton<IGrainCallInvoker>(sp => sp.GetRequiredService<Catalog>());
        services.TryAddSingleton<IGrainFactory, GrainFactory>();
        services.TryAddSingleton<ReminderService>();
        services.TryAddSingleton<IReminderRegistry>(sp => sp.GetRequiredService<ReminderService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SiloLifecycleService>());
        return services;
    }

    /// <summary>Registers the reference factory of a grain interface (silos and clients).</summary>
    public static IServiceCollection AddGrainReference<TGrainInterface>(
        this IServiceCollection services,
        string grainType,
        Func<GrainId, IGrainCallInvoker, TGrainInterface> createReference)
        where TGrainInterface : class, IGrain
    {
        services.AddSingleton(new GrainInterfaceRegistration(typeof(TGrainInterface), grainType, (id, invoker) => createReference(id, invoker)));
        return services;
    }

    /// <summary>Registers the class that implements a grain type on this silo.</summary>
    public static IServiceCollection AddGrain<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TGrain>(
        this IServiceCollection services,
        string grainType)
        where TGrain : Grain
    {
        services.AddSingleton(new GrainClassRegistration(grainType, typeof(TGrain)));
        return services;
    }

    /// <summary>Keeps grain state, reminders and subscriptions in process memory (the embedded default).</summary>
    public static IServiceCollection AddInMemoryGrainPersistence(this IServiceCollection services)
    {
        services.TryAddSingleton<IGrainStorage, InMemoryGrainStorage>();
        services.TryAddSingleton<IReminderTable, InMemoryReminderTable>();
        services.TryAddSingleton<ISubscriptionTable, InMemorySubscriptionTable>();
        services.TryAddSingleton<IStorageHealth, InMemoryStorageHealth>();
        return services;
    }
}
