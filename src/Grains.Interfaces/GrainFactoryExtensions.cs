using Orleans.Runtime;

namespace Presence.Orleans.Grains;

public static class GrainFactoryExtensions
{
    /// <summary>
    /// The user grain's type and interface ids, read off the first reference made. Orleans' <c>GetGrain&lt;T&gt;(string)</c>
    /// resolves them from the interface's attributes on every call (reflection: a tenth of R2's CPU, which makes 100
    /// references per request); both are fixed names, the same in every process.
    /// </summary>
    private static UserGrainIds? s_userGrain;

    /// <summary>The grain of one user of one app.</summary>
    public static IUserPresenceGrain GetUserGrain(this IGrainFactory factory, UserKey user) => factory.GetUserGrain(user.ToString());

    /// <summary>The grain of the user keyed <paramref name="key"/> (<c>{org}/{app}/{username}</c>, as <see cref="UserKey"/> writes it).</summary>
    public static IUserPresenceGrain GetUserGrain(this IGrainFactory factory, string key)
    {
        if (Volatile.Read(ref s_userGrain) is { } ids)
            return (IUserPresenceGrain)factory.GetGrain(GrainId.Create(ids.Type, key), ids.Interface);
        var grain = factory.GetGrain<IUserPresenceGrain>(key);
        var reference = (GrainReference)(object)grain;
        Volatile.Write(ref s_userGrain, new UserGrainIds(reference.GrainId.Type, reference.InterfaceType));
        return grain;
    }

    /// <summary>A class, so that it is published whole.</summary>
    private sealed record UserGrainIds(GrainType Type, GrainInterfaceType Interface);
}
