using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Presence.Diagnostics;

namespace Presence.Grains;

/// <summary>
/// One registered user (key <c>{org}/{app}/{username}</c>) over its row in <see cref="IAccountTable"/>, which alone decides
/// uniqueness: the grain caches the row, hashes and checks passwords (<see cref="PasswordHashing"/>) and slows guessing
/// (<see cref="LoginThrottle"/>) — one activation per user, so the count holds whichever gateway the guesses come through.
/// </summary>
[GrainType(GrainTypeName)]
internal sealed partial class UserAccountGrain(
    IAccountTable table,
    PasswordHashing passwords,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider clock,
    ILogger<UserAccountGrain> logger)
    : Grain, IUserAccountGrain
{
    /// <summary>Fixed, so renaming the class moves nothing.</summary>
    internal const string GrainTypeName = "user-account";

    private readonly LoginThrottle _throttle = new();
    private UserKey _user;
    private string _app = "";
    private AccountRow? _row;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _user = UserKey.Parse(this.GetPrimaryKeyString());
        _app = $"{_user.Org}/{_user.App}";
        _row = await table.ReadAsync(_app, _user.Username, cancellationToken);
    }

    public async Task<RegisterResult> RegisterAsync(string password, string? nickname)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        if (_row is not null)
            return new RegisterResult(RegisterOutcome.Exists, Account(_row));
        var now = clock.GetUtcNow();
        var row = new AccountRow(_app, _user.Username, passwords.Hash(password), nickname, Activated: true, now, now);
        if (!await table.InsertAsync(row, CancellationToken.None))
        {
            // Another activation (a silo that died, or a race across silos) registered it first: the store's key decided.
            _row = await table.ReadAsync(_app, _user.Username, CancellationToken.None);
            return new RegisterResult(RegisterOutcome.Exists, _row is null ? null : Account(_row));
        }
        _row = row;
        LogRegistered(_user.ToString());
        return new RegisterResult(RegisterOutcome.Created, Account(row));
    }

    public Task<UserAccount?> GetAsync() => Task.FromResult(_row is null ? null : Account(_row));

    public Task<LoginResult> LoginAsync(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var now = clock.GetUtcNow();
        if (_throttle.IsBlocked(now, out var retryAfter))
            return Task.FromResult(new LoginResult(LoginOutcome.Throttled, null, retryAfter));
        // Always hashed, so an unknown user costs the same time as a wrong password.
        var matches = passwords.Verify(_row?.PasswordHash, password);
        if (_row is null || !matches)
        {
            _throttle.Failed(now);
            LogLoginFailed(_user.ToString(), _row is null);
            return Task.FromResult(new LoginResult(_row is null ? LoginOutcome.NotFound : LoginOutcome.WrongPassword, null, TimeSpan.Zero));
        }
        if (!_row.Activated)
            return Task.FromResult(new LoginResult(LoginOutcome.NotActivated, null, TimeSpan.Zero));
        _throttle.Succeeded();
        return Task.FromResult(new LoginResult(LoginOutcome.Ok, Account(_row), TimeSpan.Zero));
    }

    public async Task<LoginResult> ChangePasswordAsync(string? oldPassword, string newPassword)
    {
        ArgumentException.ThrowIfNullOrEmpty(newPassword);
        if (oldPassword is not null)
        {
            var check = await LoginAsync(oldPassword);
            if (check.Outcome != LoginOutcome.Ok)
                return check;
        }
        if (_row is null)
            return new LoginResult(LoginOutcome.NotFound, null, TimeSpan.Zero);
        var now = clock.GetUtcNow();
        var hash = passwords.Hash(newPassword);
        if (!await table.SetPasswordAsync(_app, _user.Username, hash, now, CancellationToken.None))
        {
            _row = null;
            return new LoginResult(LoginOutcome.NotFound, null, TimeSpan.Zero);
        }
        _row = _row with { PasswordHash = hash, ModifiedAt = now };
        LogPasswordChanged(_user.ToString());
        return new LoginResult(LoginOutcome.Ok, Account(_row), TimeSpan.Zero);
    }

    public async Task<UserAccount?> DeleteAsync()
    {
        var row = _row ?? await table.ReadAsync(_app, _user.Username, CancellationToken.None);
        if (row is null)
            return null;
        // The account first: from here on no token is issued for it, whatever happens to the cascade.
        await table.DeleteAsync(_app, _user.Username, CancellationToken.None);
        _row = null;
        await GrainFactory.GetUserGrain(_user).DeleteUserAsync();
        LogDeleted(_user.ToString());
        DeactivateOnIdle();
        return Account(row);
    }

    private static UserAccount Account(AccountRow row) =>
        new(row.Username, row.Nickname, row.CreatedAt.ToUnixTimeMilliseconds(), row.ModifiedAt.ToUnixTimeMilliseconds(), row.Activated);

    [LoggerMessage(Level = LogLevel.Information, Message = "{User} registered")]
    private partial void LogRegistered(string user);

    [LoggerMessage(Level = LogLevel.Information, Message = "{User}: password check failed (unknown user: {Unknown})")]
    private partial void LogLoginFailed(string user, bool unknown);

    [LoggerMessage(Level = LogLevel.Information, Message = "{User}: password changed")]
    private partial void LogPasswordChanged(string user);

    [LoggerMessage(Level = LogLevel.Information, Message = "{User} deleted")]
    private partial void LogDeleted(string user);
}
