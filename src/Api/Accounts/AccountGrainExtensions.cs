using Presence.Grains;

namespace Presence.Api;

internal static class AccountGrainExtensions
{
    /// <summary>The account grain of one user of one app (same key as its presence grain, another grain type).</summary>
    public static IUserAccountGrain GetAccountGrain(this IGrainFactory grains, UserKey user) =>
        StringKeyedGrains<IUserAccountGrain>.Get(grains, user.ToString());
}
