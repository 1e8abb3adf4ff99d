namespace Presence.Api.Tests;

public sealed class TokenServiceTests
{
    private static readonly PresenceAppOptions Options = new() { Org = "org", App = "app", ClientId = "id", ClientSecret = "secret-1" };
    private readonly Testing.ManualTimeProvider _clock = new();

    [Fact]
    public void TryValidate_Rejects_WhenClientSecretChanged()
    {
        var tokens = new TokenService(_clock);
        var token = tokens.Issue(new PresenceApp(Options), TokenKind.App, null, TimeSpan.FromHours(1), out _);
        var rotated = new PresenceApp(new PresenceAppOptions { Org = "org", App = "app", ClientId = "id", ClientSecret = "secret-2" });

        Assert.True(tokens.TryValidate(new PresenceApp(Options), token, out _));
        Assert.False(tokens.TryValidate(rotated, token, out _));
    }

    [Fact]
    public void RotatedSecret_KeepsVerifyingOldTokens_WhileOnlyTheNewOneSigns()
    {
        var tokens = new TokenService(_clock);
        var old = tokens.Issue(new PresenceApp(Options), TokenKind.User, "u1", TimeSpan.FromHours(1), out _);
        var rotated = new PresenceApp(new PresenceAppOptions { Org = "org", App = "app", ClientId = "id", ClientSecret = "secret-2", PreviousClientSecrets = ["secret-1"] });
        var onlyNew = new PresenceApp(new PresenceAppOptions { Org = "org", App = "app", ClientId = "id", ClientSecret = "secret-2" });

        var fresh = tokens.Issue(rotated, TokenKind.User, "u1", TimeSpan.FromHours(1), out _);

        Assert.True(tokens.TryValidate(rotated, old, out var parsed));
        Assert.Equal("u1", parsed.Username);
        Assert.True(tokens.TryValidate(rotated, fresh, out _));
        Assert.True(tokens.TryValidate(onlyNew, fresh, out _)); // signed with the new secret's key
        Assert.False(tokens.TryValidate(onlyNew, old, out _)); // the old secret dropped: its tokens are revoked
        Assert.False(tokens.TryValidate(new PresenceApp(Options), fresh, out _));
        Assert.False(rotated.ClientCredentialsMatch("id", "secret-1")); // a previous secret grants no app token
    }

    [Fact]
    public void TryValidate_Accepts_WhenAnotherNodeHasTheSameConfiguration()
    {
        var token = new TokenService(_clock).Issue(new PresenceApp(Options), TokenKind.User, "u1", TimeSpan.FromHours(1), out var expiresAt);

        Assert.True(new TokenService(_clock).TryValidate(new PresenceApp(Options), token, out var parsed));
        Assert.Equal(new AccessToken(TokenKind.User, "u1", expiresAt), parsed);
    }

    [Fact]
    public void TryValidate_Rejects_WhenExpiryInstantIsReached()
    {
        var tokens = new TokenService(_clock);
        var app = new PresenceApp(Options);
        var token = tokens.Issue(app, TokenKind.App, null, TimeSpan.FromSeconds(10), out _);

        _clock.Advance(TimeSpan.FromSeconds(9));
        Assert.True(tokens.TryValidate(app, token, out _));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(tokens.TryValidate(app, token, out _));
    }

    [Fact]
    public void TryValidate_Rejects_WhenAnyByteIsFlipped()
    {
        var tokens = new TokenService(_clock);
        var app = new PresenceApp(Options);
        var token = tokens.Issue(app, TokenKind.User, "u1", TimeSpan.FromHours(1), out _);

        for (var i = 0; i < token.Length; i++)
        {
            var chars = token.ToCharArray();
            chars[i] = chars[i] == 'x' ? 'y' : 'x';
            var tampered = new string(chars);
            // The last character may carry only padding bits; flipping it can decode to the same bytes.
            if (tampered != token && i < token.Length - 1)
                Assert.False(tokens.TryValidate(app, tampered, out _), $"flipped character {i}");
        }
    }

    [Fact]
    public void ClientCredentialsMatch_IsExact_WhenComparingIdAndSecret()
    {
        var app = new PresenceApp(Options);

        Assert.True(app.ClientCredentialsMatch("id", "secret-1"));
        Assert.False(app.ClientCredentialsMatch("id", "secret-2"));
        Assert.False(app.ClientCredentialsMatch("ID", "secret-1"));
        Assert.False(app.ClientCredentialsMatch("id", "secret-1 "));
    }
}
