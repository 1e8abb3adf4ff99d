using System.Text.Json;
using Microsoft.Extensions.Logging;
using Presence.Diagnostics;
using Presence.Grains;

namespace Presence.Api;

/// <summary>
/// The request side of one connection: parses a text frame, checks it, calls the grains and returns the frame
/// to answer with. Requests of one connection run one at a time, in arrival order, so replies come back in
/// request order and this class needs no locking. Per-user problems go to the reply's <c>failed</c> list;
/// only a request that cannot be served at all gets an error frame.
/// </summary>
internal sealed partial class PresenceSocketSession
{
    internal const string SetStatusOp = "set_status";
    internal const string QueryOp = "query";
    internal const string SubscribeOp = "subscribe";
    internal const string UnsubscribeOp = "unsubscribe";
    internal const string LogoutOp = "logout";
    internal const string ContactsOp = "contacts";
    internal const string InvalidUsername = "username is not legal: 1-64 characters of A-Z a-z 0-9 _ - .";
    internal const string TooManySubscribers = "the user has too many subscribers";
    private const int MaxIdLength = 64;

    private readonly UserKey _user;
    private readonly string _resource;
    private readonly IGrainFactory _grains;
    private readonly ILocalPresenceSnapshots _localSnapshots;
    private readonly PresenceLimits _limits;
    private readonly PresenceSocketOptions _options;
    private readonly SocketOperationLimiter _limiter;
    private readonly ILogger _logger;
    private readonly AppAccountSettings? _accounts;
    private int _badFramesInARow;

    /// <summary>This device's status as last set through this connection ("1" from the login).</summary>
    private string _status = "1";

    public PresenceSocketSession(
        UserKey user, string resource, IGrainFactory grains, ILocalPresenceSnapshots localSnapshots, PresenceLimits limits,
        PresenceSocketOptions options, TimeProvider clock, ILogger logger, AppAccountSettings? accounts = null)
    {
        _accounts = accounts;
        _user = user;
        _resource = resource;
        _grains = grains;
        _localSnapshots = localSnapshots;
        _limits = limits;
        _options = options;
        _limiter = new SocketOperationLimiter(options.OperationPermitLimit, options.OperationWindow, clock);
        _logger = logger;
    }

    /// <summary>Set by a <c>logout</c> request: the connection closes, and its end is an explicit logout.</summary>
    public bool LoggedOut { get; private set; }

    /// <summary>Set once too many malformed frames came in a row: the connection must close with 1008.</summary>
    public bool TooManyBadFrames => _badFramesInARow >= _options.MaxConsecutiveBadFrames;

    public async Task<object> HandleAsync(ReadOnlyMemory<byte> message)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(message);
        }
        catch (JsonException)
        {
            return BadFrame(null, "frame is not valid JSON");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return BadFrame(null, "frame must be a JSON object");
            if (!root.TryGetProperty("id", out var id)
                || !(id.ValueKind == JsonValueKind.Number || (id.ValueKind == JsonValueKind.String && id.GetString()!.Length is > 0 and <= MaxIdLength)))
                return BadFrame(null, $"id is required: a number or a string of 1-{MaxIdLength} characters");
            id = id.Clone();

            SocketRequest? request;
            try
            {
                request = root.Deserialize(GatewayJsonContext.Default.SocketRequest);
            }
            catch (JsonException)
            {
                return BadFrame(id, JsonRequestBody.InvalidJsonDescription);
            }
            if (request?.Op is not { } op || op is not (SetStatusOp or QueryOp or SubscribeOp or UnsubscribeOp or LogoutOp or ContactsOp))
                return BadFrame(id, "op must be one of set_status, query, subscribe, unsubscribe, logout, contacts");

            _badFramesInARow = 0;
            try
            {
                return op switch
                {
                    SetStatusOp => await SetStatusAsync(id, request),
                    QueryOp when request.Friends == true => await QueryFriendsAsync(id, request),
                    QueryOp => await QueryAsync(id, request),
                    ContactsOp => await ContactsAsync(id),
                    SubscribeOp => await SubscribeAsync(id, request),
                    UnsubscribeOp => await UnsubscribeAsync(id, request),
                    _ => Logout(id),
                };
            }
            catch (Exception exception) when (IsUnavailable(exception))
            {
                LogUnavailable(exception, _user.ToString(), op);
                return Error(id, op, EasemobError.ServiceUnavailable());
            }
            catch (Exception exception)
            {
                // A bug, not the client's doing: the connection stays usable.
                LogFailed(exception, _user.ToString(), op);
                return Error(id, op, EasemobError.InternalServerError());
            }
        }
    }

    private async Task<object> SetStatusAsync(JsonElement id, SocketRequest request)
    {
        if (request.Status is null && request.Ext is null)
            return Error(id, SetStatusOp, EasemobError.IllegalArgument("status or ext is required"));
        if (request.Status is { } status && (!PresenceValidation.IsValidStatus(status) || status == "0"))
            return Error(id, SetStatusOp, EasemobError.IllegalArgument("status is not legal: 1-64 UTF-8 bytes other than \"0\" (log out to go offline)"));
        if (request.Ext is { } ext && PresenceValidation.IsExtTooBig(ext, _limits.MaxExtBytes))
            return Error(id, SetStatusOp, EasemobError.IllegalArgument(PresenceApi.ExtTooBig));

        // Not rate limited (Tencent's setSelfStatus).
        var next = request.Status ?? _status;
        var presence = await GrainCallFailures.RetryOnceAsync(() => _grains.GetUserGrain(_user).SetStatusAsync(_resource, next, request.Ext));
        _status = next;
        return new SocketReplyFrame<SocketPresenceDto>(id, SetStatusOp, SocketFrames.Presence(presence), []);
    }

    private async Task<object> QueryAsync(JsonElement id, SocketRequest request)
    {
        if (request.Users is not { Count: > 0 } users)
            return Error(id, QueryOp, EasemobError.IllegalArgument("users must not be empty"));
        if (users.Count > _options.MaxUsersPerQuery)
            return Error(id, QueryOp, EasemobError.IllegalArgument(PresenceApi.TooManyGet));
        var (names, failed) = Split(users, allowSelf: true);
        // Querying oneself is free (Tencent).
        if (!(names.Count == 1 && names[0] == _user.Username && failed.Count == 0) && RateLimited(id, QueryOp) is { } limited)
            return limited;

        var reads = PresenceReader.Start(_grains, _localSnapshots, [.. names.Select(_user.WithUsername)]);
        var result = new List<SocketPresenceDto>(reads.Length);
        for (var i = 0; i < reads.Length; i++)
        {
            var name = names[i];
            try
            {
                result.Add(SocketFrames.Presence(await reads[i]));
            }
            catch (Exception exception) when (IsUnavailable(exception))
            {
                LogUnavailable(exception, _user.ToString(), QueryOp);
                failed.Add(Failed(name, EasemobError.ServiceUnavailable()));
            }
        }
        return new SocketReplyFrame<List<SocketPresenceDto>>(id, QueryOp, result, failed);
    }

    private async Task<object> SubscribeAsync(JsonElement id, SocketRequest request)
    {
        if (request.Users is not { Count: > 0 } users)
            return Error(id, SubscribeOp, EasemobError.IllegalArgument("users must not be empty"));
        if (users.Count > _options.MaxUsersPerSubscribe)
            return Error(id, SubscribeOp, EasemobError.IllegalArgument(PresenceApi.TooManySub));
        if (request.Expiry is not { } expiry || expiry < 1 || expiry > _limits.MaxExpirySeconds)
            return Error(id, SubscribeOp, EasemobError.IllegalArgument($"expiry must be an integer from 1 to {_limits.MaxExpirySeconds}"));
        if (RateLimited(id, SubscribeOp) is { } limited)
            return limited;

        var (names, failed) = Split(users, allowSelf: false);
        if (_accounts is not null && names.Count > 0)
        {
            // With registration required, a subscription to an unknown user fails like one to a full user.
            var unknown = await RegisteredUsers.UnknownAsync(_grains, _accounts, _user, names);
            names.RemoveAll(unknown.Contains);
            failed.AddRange(unknown.Select(name => Failed(name, EasemobError.ResourceNotFound())));
        }
        var result = new List<SocketSubscribedDto>(names.Count);
        if (names.Count > 0)
        {
            var subscribed = await GrainCallFailures.RetryOnceAsync(() => _grains.GetUserGrain(_user).SubscribeAsync(names, (int)expiry));
            result.AddRange(subscribed.Subscribed.Select(SocketFrames.Subscribed));
            failed.AddRange(subscribed.Failed.Select(name => Failed(name, EasemobError.IllegalArgument(TooManySubscribers))));
        }
        return new SocketReplyFrame<List<SocketSubscribedDto>>(id, SubscribeOp, result, failed);
    }

    private async Task<object> UnsubscribeAsync(JsonElement id, SocketRequest request)
    {
        var users = request.Users ?? [];
        if (users.Count > _options.MaxUsersPerUnsubscribe)
            return Error(id, UnsubscribeOp, EasemobError.IllegalArgument(PresenceApi.TooManyUnsub));
        if (RateLimited(id, UnsubscribeOp) is { } limited)
            return limited;

        var (names, failed) = Split(users, allowSelf: true);
        // An empty list means all (Tencent); a list of only bad names must not.
        if (names.Count > 0 || users.Count == 0)
            await GrainCallFailures.RetryOnceAsync(() => _grains.GetUserGrain(_user).UnsubscribeAsync(names));
        return new SocketReplyFrame<string>(id, UnsubscribeOp, "ok", failed);
    }

    /// <summary>The user's contacts (friends), ordered by username.</summary>
    private async Task<object> ContactsAsync(JsonElement id)
    {
        if (RateLimited(id, ContactsOp) is { } limited)
            return limited;
        var friends = await GrainCallFailures.RetryOnceAsync(() => _grains.GetUserGrain(_user).GetContactsAsync());
        return new SocketReplyFrame<List<string>>(id, ContactsOp, [.. friends], []);
    }

    /// <summary><c>query</c> with <c>"friends": true</c>: one page (<c>page</c> from 1, <c>page_size</c> up to the query limit) of the friends' presences.</summary>
    private async Task<object> QueryFriendsAsync(JsonElement id, SocketRequest request)
    {
        var pageSize = request.PageSize ?? _options.MaxUsersPerQuery;
        if (pageSize < 1 || pageSize > _options.MaxUsersPerQuery)
            return Error(id, QueryOp, EasemobError.IllegalArgument($"page_size must be an integer from 1 to {_options.MaxUsersPerQuery}"));
        if (request.Page is < 1)
            return Error(id, QueryOp, EasemobError.IllegalArgument("page must be an integer of at least 1"));
        if (RateLimited(id, QueryOp) is { } limited)
            return limited;
        var page = request.Page ?? 1;
        var friends = await GrainCallFailures.RetryOnceAsync(() => _grains.GetUserGrain(_user).GetContactsAsync());
        var names = friends.Skip((int)Math.Min(int.MaxValue, (long)(page - 1) * pageSize)).Take(pageSize).ToList();
        var reads = PresenceReader.Start(_grains, _localSnapshots, [.. names.Select(_user.WithUsername)]);
        var presences = new List<SocketPresenceDto>(reads.Length);
        var failed = new List<SocketFailedUser>();
        for (var i = 0; i < reads.Length; i++)
        {
            try
            {
                presences.Add(SocketFrames.Presence(await reads[i]));
            }
            catch (Exception exception) when (IsUnavailable(exception))
            {
                LogUnavailable(exception, _user.ToString(), QueryOp);
                failed.Add(Failed(names[i], EasemobError.ServiceUnavailable()));
            }
        }
        return new SocketReplyFrame<FriendsPresencePage>(id, QueryOp, new FriendsPresencePage(friends.Count, page, pageSize, presences), failed);
    }

    private SocketReplyFrame<string> Logout(JsonElement id)
    {
        LoggedOut = true;
        return new SocketReplyFrame<string>(id, LogoutOp, "ok", []);
    }

    /// <summary>Valid, lower-cased, de-duplicated names in order; the others (and oneself, when not allowed) as failures.</summary>
    private (List<string> Names, List<SocketFailedUser> Failed) Split(List<string?> users, bool allowSelf)
    {
        var names = new List<string>(users.Count);
        var failed = new List<SocketFailedUser>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var user in users)
        {
            if (!PresenceValidation.IsValidUsername(user))
            {
                failed.Add(Failed(user, EasemobError.IllegalArgument(InvalidUsername)));
                continue;
            }
            var name = user!.ToLowerInvariant();
            if (!allowSelf && name == _user.Username)
                failed.Add(Failed(name, EasemobError.IllegalArgument(PresenceApi.SubYourself)));
            else if (seen.Add(name))
                names.Add(name);
        }
        return (names, failed);
    }

    private SocketErrorFrame? RateLimited(JsonElement id, string op)
    {
        if (_limiter.TryAcquire(out var retryAfter))
            return null;
        LogRateLimited(_user.ToString(), _resource, op);
        PresenceMetrics.RateLimitRejected($"ws:{op}");
        var error = EasemobError.ReachLimit(retryAfter);
        return new SocketErrorFrame(id, op, error.Error, error.Description, Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)));
    }

    private SocketErrorFrame BadFrame(JsonElement? id, string description)
    {
        _badFramesInARow++;
        LogBadFrame(_user.ToString(), _resource, description, _badFramesInARow);
        return new SocketErrorFrame(id, null, "illegal_argument", description);
    }

    private static SocketErrorFrame Error(JsonElement id, string op, EasemobError error) => new(id, op, error.Error, error.Description);

    private static SocketFailedUser Failed(string? uid, EasemobError error) => new(uid, error.Error, error.Description);

    private static bool IsUnavailable(Exception exception) => GrainCallFailures.IsUnavailable(exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{User}/{Resource}: malformed frame ({Reason}), {Count} in a row")]
    private partial void LogBadFrame(string user, string resource, string reason, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{User}/{Resource}: {Op} refused by the per-connection rate limit")]
    private partial void LogRateLimited(string user, string resource, string op);

    [LoggerMessage(Level = LogLevel.Error, Message = "{User}: {Op} failed")]
    private partial void LogFailed(Exception exception, string user, string op);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{User}: {Op} failed, storage or grain unavailable")]
    private partial void LogUnavailable(Exception exception, string user, string op);
}
