namespace Presence.Grains;

/// <summary>
/// One registered user of one app, keyed <c>{org}/{app}/{username}</c> like its presence grain (docs/architecture.md#accounts).
/// The account row is the truth, in the store; the grain caches it, hashes and verifies passwords and slows guessing
/// (its failure count is per user across the cluster, since one activation serves every gateway). Passwords arrive in
/// clear inside the cluster only; they are never stored, logged or returned.
/// </summary>
[Alias("presence.IUserAccountGrain")]
public interface IUserAccountGrain : IGrainWithStringKey
{
    /// <summary>Creates the account; <see cref="RegisterOutcome.Exists"/> when the username is taken (the store's unique key decides).</summary>
    [Alias("Register")]
    Task<RegisterResult> RegisterAsync(string password, string? nickname);

    /// <summary>The account, or null when the user is not registered.</summary>
    [ReadOnly, Alias("Get")]
    Task<UserAccount?> GetAsync();

    /// <summary>
    /// The password grant: verifies <paramref name="password"/> in comparable time whether or not the user exists, and
    /// refuses for a growing delay after repeated failures (<see cref="LoginOutcome.Throttled"/>).
    /// </summary>
    [Alias("Login")]
    Task<LoginResult> LoginAsync(string password);

    /// <summary>Sets a new password; with <paramref name="oldPassword"/> (a user acting on itself) only when it matches.</summary>
    [Alias("ChangePassword")]
    Task<LoginResult> ChangePasswordAsync(string? oldPassword, string newPassword);

    /// <summary>
    /// Deletes the account, then the user's presence: its devices' sessions end, its subscriptions, subscribers and contacts
    /// go, and its watchers see it offline. Null when there was no account.
    /// </summary>
    [Alias("Delete")]
    Task<UserAccount?> DeleteAsync();
}
