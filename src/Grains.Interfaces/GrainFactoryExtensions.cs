namespace Presence.Orleans.Grains;

public static class GrainFactoryExtensions
{
    /// <summary>The grain of one user of one app.</summary>
    public static IUserPresenceGrain GetUserGrain(this IGrainFactory factory, UserKey user) =>
        factory.GetGrain<IUserPresenceGrain>(user.ToString());
}
