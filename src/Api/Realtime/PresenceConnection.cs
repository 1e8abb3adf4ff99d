using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Presence.Diagnostics;
using Presence.Grains;

namespace Presence.Api;

/// <summary>
/// One device's WebSocket. It is the device as its grain sees it (<see cref="IPresenceObserver"/>): grain calls
/// land inline on a grain turn, so they only put a frame on a bounded queue and return — a connection that
/// stops reading fills its own queue and is closed, nobody else waits for it. Three loops run per connection:
/// receive (framing, size and type checks, and reading pongs), requests (one at a time, in order) and send
/// (the only writer of the socket, close frame included).
/// </summary>
internal sealed partial class PresenceConnection : IPresenceObserver
{
    private const int ReceiveChunkBytes = 4 * 1024;

    private readonly PresenceSocketSession _session;
    private readonly PresenceSocketOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<object> _outbound;
    private readonly Channel<byte[]> _requests;
    private readonly CancellationTokenSource _abort = new();
    private readonly object _closeLock = new();
    private bool _closeRequested;
    private bool _dropPending;
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;
    private string _closeDescription = "";
    private (IUserPresenceGrain Grain, IPresenceObserver Device, IPresenceHub Hub)? _registration;

    /// <summary>Newest version sent of each user this device hears of (watched users and its own).</summary>
    private readonly Dictionary<string, long> _newestVersions = new(StringComparer.Ordinal);

    public PresenceConnection(UserKey user, string resource, PresenceSocketSession session, PresenceSocketOptions options, ILogger logger)
    {
        Key = user;
        Resource = resource;
        _session = session;
        _options = options;
        _logger = logger;
        _outbound = Channel.CreateBounded<object>(new BoundedChannelOptions(options.SendQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: that is the overflow signal
        });
        _requests = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(options.MaxPendingRequests) { SingleReader = true, SingleWriter = true });
    }

    /// <summary>The connection's user.</summary>
    public UserKey Key { get; }

    /// <summary>The user key (<c>org/app/username</c>), for logs: made when logged, not held by every connection.</summary>
    public string User => Key.ToString();

    public string Resource { get; }

    /// <summary>When the token the connection was opened with expires: the registry then closes it with <see cref="SocketCloseCodes.TokenExpired"/>.</summary>
    public DateTimeOffset TokenExpiresAt { get; init; } = DateTimeOffset.MaxValue;

    /// <summary>Whether event frames carry <c>changed_at</c> (the socket was opened with <c>timing=1</c>).</summary>
    public bool Timing { get; init; }

    /// <summary>Whether the connection ended as an explicit logout (a <c>logout</c> request, or a client close with reason "logout").</summary>
    public bool LoggedOut { get; private set; }

    /// <summary>How the connection ended, for logs and tests.</summary>
    public string EndReason { get; private set; } = OpenReason;

    private const string OpenReason = "open";

    // ---- IPresenceObserver: called inline on grain turns; never block ----

    public Task OnPresenceChanged(PresenceSnapshot presence)
    {
        if (IsNewer(presence))
            Enqueue(SocketFrames.Event(presence, Timing));
        return Task.CompletedTask;
    }

    /// <summary>
    /// An event of a watched user through this process's hub: <paramref name="frame"/> is serialized once for every
    /// socket it goes to (a connection that asked for timings gets its own, with <c>changed_at</c>).
    /// </summary>
    public void Deliver(PresenceSnapshot presence, SerializedEventFrame frame)
    {
        if (IsNewer(presence))
            Enqueue(Timing ? SocketFrames.Event(presence, timing: true) : frame);
    }

    /// <summary>
    /// Orleans does not keep the order of one-way messages, so a snapshot may arrive after a newer one of the same
    /// user (or twice, by two paths): it is dropped, so the device sees versions only grow (a gap at worst; every
    /// event is a full state).
    /// </summary>
    private bool IsNewer(PresenceSnapshot presence)
    {
        lock (_newestVersions)
        {
            if (_newestVersions.TryGetValue(presence.Uid, out var newest) && presence.Version <= newest)
                return false;
            _newestVersions[presence.Uid] = presence.Version;
            return true;
        }
    }

    public Task OnSubscriptionEnded(string uid, SubscriptionEndReason reason)
    {
        Enqueue(SocketFrames.Ended(uid, reason));
        return Task.CompletedTask;
    }

    public Task OnSessionEnded(SessionEndReason reason)
    {
        if (reason == SessionEndReason.Replaced)
            Close(SocketCloseCodes.Replaced, "replaced by a newer connection of the same resource");
        else if (reason == SessionEndReason.UserDeleted)
            Close(SocketCloseCodes.UserDeleted, "the user was deleted");
        else if (_registration is null)
            Close(SocketCloseCodes.ServiceRestart, "the user's session moved; reconnect");
        else
            Renew(resync: true); // the grain moved (its silo stopped): register with the next activation, socket stays open
        return Task.CompletedTask;
    }

    /// <summary>The grain this connection is registered with, how the grain sees it and this process's hub; set once connected.</summary>
    public void Attach(IUserPresenceGrain grain, IPresenceObserver device, IPresenceHub hub) => _registration = (grain, device, hub);

    /// <summary>Renews this device's lease with its grain (one way); with <paramref name="resync"/> the user catches up with its targets.</summary>
    public void Renew(bool resync)
    {
        if (_registration is not var (grain, device, hub))
            return;
        lock (_closeLock)
        {
            if (_closeRequested)
                return;
        }
        _ = grain.RenewDeviceAsync(Resource, device, resync, hub);
    }

    /// <summary>The close code the connection ended with: ours when we closed it, the client's, or 1006 (abnormal: lost).</summary>
    public int CloseCode(WebSocket socket)
    {
        lock (_closeLock)
        {
            if (_closeRequested)
                return (int)_closeStatus;
        }
        return socket.CloseStatus is { } status ? (int)status : 1006;
    }

    /// <summary>Queues a frame; a full queue closes the connection (the client is not reading).</summary>
    public void Enqueue(object frame)
    {
        if (_outbound.Writer.TryWrite(frame))
            return;
        lock (_closeLock)
        {
            if (_closeRequested)
                return; // closing already: late frames are dropped
        }
        LogSendQueueFull(User, Resource, _options.SendQueueCapacity);
        Close(SocketCloseCodes.SendQueueFull, "send queue full: the client does not read fast enough", dropPending: true);
    }

    /// <summary>
    /// Starts closing: what is queued is still sent (unless <paramref name="dropPending"/>), then the close frame.
    /// A client that does not answer the close within <see cref="PresenceSocketOptions.CloseTimeout"/> is aborted.
    /// </summary>
    public void Close(WebSocketCloseStatus status, string description, bool dropPending = false)
    {
        lock (_closeLock)
        {
            if (_closeRequested)
                return;
            _closeRequested = true;
            _closeStatus = status;
            _closeDescription = description;
            _dropPending = dropPending;
        }
        if (EndReason == OpenReason)
            EndReason = $"closed {(int)status} {description}";
        _outbound.Writer.TryComplete();
        _abort.CancelAfter(_options.CloseTimeout); // real time: a stalled peer must not hold the connection forever
        LogClosing(User, Resource, (int)status, description);
    }


    /// <summary>Runs the connection until it is closed or lost; the caller then tells the grain.</summary>
    public async Task RunAsync(WebSocket socket, CancellationToken requestAborted)
    {
        using var aborted = requestAborted.Register(static s => ((CancellationTokenSource)s!).Cancel(), _abort);
        var send = SendLoopAsync(socket);
        var requests = RequestLoopAsync();
        var lost = false;
        try
        {
            await ReceiveLoopAsync(socket);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or IOException)
        {
            lost = true;
            LogLost(User, Resource, exception.Message);
            if (EndReason == OpenReason)
                EndReason = $"lost: {exception.Message}";
        }
        finally
        {
            _requests.Writer.TryComplete();
            if (lost)
                _abort.Cancel(); // nothing more can be sent
            else
                Close(WebSocketCloseStatus.NormalClosure, "");
        }
        await requests; // a request still running must finish before the grain hears of the disconnect
        await send;
        if (_session.LoggedOut)
            LoggedOut = true;
    }

    /// <summary>
    /// Reads frames until the client's close. An idle connection holds no buffer: it waits with a zero-byte read, rents
    /// a chunk only once a frame is there, and returns it when the message is read (most fit one chunk; a longer one
    /// is gathered in a buffer that lives as long as the message).
    /// </summary>
    private async Task ReceiveLoopAsync(WebSocket socket)
    {
        byte[]? chunk = null;
        ArrayBufferWriter<byte>? message = null;
        var discarding = false; // after a violation: read until the client's close, ignore the rest
        try
        {
            while (true)
            {
                ValueWebSocketReceiveResult result;
                if (chunk is null)
                {
                    result = await socket.ReceiveAsync(Memory<byte>.Empty, _abort.Token);
                    if (result.MessageType != WebSocketMessageType.Close && !result.EndOfMessage)
                    {
                        chunk = ArrayPool<byte>.Shared.Rent(ReceiveChunkBytes);
                        result = await socket.ReceiveAsync(chunk.AsMemory(), _abort.Token);
                    }
                }
                else
                    result = await socket.ReceiveAsync(chunk.AsMemory(), _abort.Token);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (socket.CloseStatus == WebSocketCloseStatus.NormalClosure && socket.CloseStatusDescription == SocketCloseCodes.LogoutDescription)
                        LoggedOut = true;
                    if (EndReason == OpenReason)
                        EndReason = $"client closed {(int?)socket.CloseStatus} {socket.CloseStatusDescription}";
                    Close(socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, "");
                    return;
                }
                try
                {
                    if (discarding)
                        continue;
                    if (result.MessageType == WebSocketMessageType.Binary)
                    {
                        discarding = true;
                        Close(SocketCloseCodes.BinaryFrame, "binary frames are not supported; send JSON text", dropPending: true);
                        continue;
                    }
                    if ((message?.WrittenCount ?? 0) + result.Count > _options.MaxMessageBytes)
                    {
                        discarding = true;
                        Close(SocketCloseCodes.MessageTooBig, $"messages are limited to {_options.MaxMessageBytes} bytes", dropPending: true);
                        continue;
                    }
                    var received = chunk.AsSpan(0, result.Count);
                    if (!result.EndOfMessage)
                    {
                        (message ??= new ArrayBufferWriter<byte>(ReceiveChunkBytes * 2)).Write(received);
                        continue;
                    }
                    byte[] request;
                    if (message is null)
                        request = received.ToArray();
                    else
                    {
                        message.Write(received);
                        request = message.WrittenSpan.ToArray();
                        message = null;
                    }
                    await _requests.Writer.WriteAsync(request, _abort.Token);
                }
                finally
                {
                    if (result.EndOfMessage)
                        ReturnChunk(ref chunk); // a whole message read: nothing held while idle
                }
            }
        }
        finally
        {
            ReturnChunk(ref chunk);
        }
    }

    private static void ReturnChunk(ref byte[]? chunk)
    {
        if (chunk is not null)
            ArrayPool<byte>.Shared.Return(chunk);
        chunk = null;
    }

    private async Task RequestLoopAsync()
    {
        try
        {
            await foreach (var request in _requests.Reader.ReadAllAsync(_abort.Token))
            {
                if (_closeRequested)
                    continue; // closing: requests that arrived meanwhile are not served
                var reply = await _session.HandleAsync(request);
                Enqueue(reply);
                if (_session.LoggedOut)
                    Close(SocketCloseCodes.Logout, SocketCloseCodes.LogoutDescription);
                else if (_session.TooManyBadFrames)
                    Close(SocketCloseCodes.PolicyViolation, $"{_options.MaxConsecutiveBadFrames} malformed frames in a row");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task SendLoopAsync(WebSocket socket)
    {
        try
        {
            await foreach (var frame in _outbound.Reader.ReadAllAsync(_abort.Token))
            {
                if (Volatile.Read(ref _dropPending))
                    break;
                if (frame is SerializedEventFrame serialized)
                {
                    await socket.SendAsync(serialized.Utf8, WebSocketMessageType.Text, endOfMessage: true, _abort.Token);
                    PresenceMetrics.EventDelivered(serialized.ChangedAtUnixMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                    continue;
                }
                await socket.SendAsync(SocketFrames.Serialize(frame), WebSocketMessageType.Text, endOfMessage: true, _abort.Token);
                if (frame is PresenceEventFrame presence)
                    PresenceMetrics.EventDelivered(presence.ChangedAtUnixMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            }
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.CloseOutputAsync(_closeStatus, _closeDescription, _abort.Token);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or IOException)
        {
            // Lost or aborted: the receive loop ends too, and the grain is told.
            _abort.Cancel();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{User}/{Resource}: {Capacity} frames waiting to be sent; closing the connection")]
    private partial void LogSendQueueFull(string user, string resource, int capacity);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{User}/{Resource}: closing with {Status} {Description}")]
    private partial void LogClosing(string user, string resource, int status, string description);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{User}/{Resource}: connection lost ({Reason})")]
    private partial void LogLost(string user, string resource, string reason);
}
