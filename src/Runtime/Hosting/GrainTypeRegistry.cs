namespace Presence.Orleans.Runtime;

/// <summary>Registered grain interfaces (type name and reference factory) and, on silos, grain classes.</summary>
internal sealed class GrainTypeRegistry
{
    private readonly Dictionary<Type, GrainInterfaceRegistration> _interfaces;
    private readonly Dictionary<string, Type> _classes;

    public GrainTypeRegistry(IEnumerable<GrainInterfaceRegistration> interfaces, IEnumerable<GrainClassRegistration> classes)
    {
        _interfaces = interfaces.ToDictionary(r => r.InterfaceType);
        _classes = classes.ToDictionary(r => r.GrainType, r => r.ClassType, StringComparer.Ordinal);
    }

    public GrainInterfaceRegistration GetInterface(Type interfaceType) =>
        _interfaces.TryGetValue(interfaceType, out var registration)
            ? registration
            : throw new InvalidOperationException($"Grain interface {interfaceType.Name} is not registered.");

    public Type GetClass(string grainType) =>
        _classes.TryGetValue(grainType, out var type)
            ? type
            : throw new InvalidOperationException($"No grain class is registered for grain type '{grainType}' on this silo.");
}

internal sealed record GrainInterfaceRegistration(Type InterfaceType, string GrainType, Func<GrainId, IGrainCallInvoker, object> CreateReference);

internal sealed record GrainClassRegistration(string GrainType, Type ClassType);
