using Microsoft.AspNetCore.Identity;

namespace Presence.Grains;

/// <summary>
/// Account passwords as ASP.NET Core Identity's PBKDF2 hashes (<see cref="PasswordHasher{TUser}"/>, its v3 format:
/// salt, iteration count and algorithm inside the hash). An unknown user is checked against a dummy hash, so that a
/// guess costs the same time whether or not the user exists.
/// </summary>
internal sealed class PasswordHashing(IPasswordHasher<UserAccount> hasher)
{
    private static readonly UserAccount Nobody = new("", null, 0, 0, false);
    private readonly Lazy<string> _dummyHash = new(() => hasher.HashPassword(Nobody, Guid.NewGuid().ToString("N")));

    public string Hash(string password) => hasher.HashPassword(Nobody, password);

    /// <summary>Whether <paramref name="password"/> matches <paramref name="hash"/>; a null hash (no such user) never matches, after the same work.</summary>
    public bool Verify(string? hash, string password)
    {
        var result = hasher.VerifyHashedPassword(Nobody, hash ?? _dummyHash.Value, password);
        return hash is not null && result != PasswordVerificationResult.Failed;
    }
}
