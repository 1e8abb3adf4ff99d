using Orleans.Runtime;

namespace Presence.Grains;

public static class GrainFactoryExtensions
{
    /// <summary>The grain of one user of one app.</summary>
    public static IUserPresenceGrain GetUserGrain(this IGrainFactory factory, UserKey user) => factory.GetUserGrain(user.ToString());

    /// <summary>The grain of the user keyed <paramref name="key"/> (<c>{org}/{app}/{username}</c>, as <see cref="UserKey"/> writes it).</summary>
    public static IUserPresenceGrain GetUserGrain(this IGrainFactory factory, string key) => StringKeyedGrains<IUserPresenceGrain>.Get(factory, key);
}

/// <summary>
/// References to grains of interface <typeparamref name="T"/> by string key, with the grain type and interface ids read
/// off the first reference made. Orleans' <c>GetGrain&lt;T&gt;(string)</c> resolves them from the interface's attributes
/// on every call (reflection: a tenth of a subscribe's CPU, which makes 100 references); both are fixed names, the same
/// in every process.
/// </summary>
public static class StringKeyedGrains<T> where T : IGrainWithStringKey
{
    private static GrainIds? s_ids;

    public static T Get(IGrainFactory factory, string key)
    {
        if (Volatile.Read(ref s_ids) is { } ids)
            return (T)factory.GetGrain(GrainId.Create(ids.Type, key), ids.Interface);
        var grain = factory.GetGrain<T>(key);
        var reference = (GrainReference)(object)grain;
        Volatile.Write(ref s_ids, new GrainIds(reference.GrainId.Type, reference.InterfaceType));
        return grain;
    }

    /// <summary>A class, so that it is published whole.</summary>
    private sealed record GrainIds(GrainType Type, GrainInterfaceType Interface);
}
