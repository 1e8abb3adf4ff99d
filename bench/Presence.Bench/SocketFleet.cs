using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace Presence.Bench;

/// <summary>
/// N client WebSockets to one or more servers (round robin over <c>--ws-urls</c>, e.g. the gateways of a cluster), each
/// with its own user token and a receive loop. Past <see cref="SocketsPerSourceAddress"/> connections they come from
/// several loopback source addresses (127.0.0.1, 127.0.0.2, …): one address has about 28,000 ephemeral ports towards
/// one server port.
/// </summary>
internal sealed class SocketFleet : IAsyncDisposable
{
    public const int SocketsPerSourceAddress = 20_000;

    // Linux: let connect() pick the port of a bound source address, so ports are shared across destinations.
    private const int SolIp = 0;
    private const int IpBindAddressNoPort = 24;

    private readonly ClientWebSocket?[] _sockets;
    private readonly Task?[] _receivers;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<HttpMessageInvoker> _invokers = [];

    private SocketFleet(int count)
    {
        _sockets = new ClientWebSocket?[count];
        _receivers = new Task?[count];
    }

    public int Connected => _sockets.Count(s => s is not null);

    public LoadResult Connect { get; private set; } = new();

    /// <summary>
    /// Opens <paramref name="tokens"/>.Length sockets (<c>{url}?{query}</c>); <paramref name="receive"/> runs per open socket.
    /// With <paramref name="firstSourceAddress"/> (the last byte of 127.0.0.x) they come from that loopback address on.
    /// </summary>
    public static async Task<SocketFleet> OpenAsync(IReadOnlyList<string> wsUrls, string query, string[] tokens, int concurrency,
        TimeSpan limit, Func<ClientWebSocket, CancellationToken, Task> receive, int? firstSourceAddress = null)
    {
        var fleet = new SocketFleet(tokens.Length);
        var sources = (tokens.Length + SocketsPerSourceAddress - 1) / SocketsPerSourceAddress;
        var invokers = Enumerable.Range(0, sources)
            .Select(k => sources == 1 && firstSourceAddress is null ? null : fleet.Invoker(IPAddress.Parse($"127.0.0.{(firstSourceAddress ?? 1) + k}")))
            .ToArray();
        fleet.Connect = await LoadDriver.RunAsync(tokens.Length, concurrency, limit, async (i, ct) =>
        {
            var socket = new ClientWebSocket();
            socket.Options.SetRequestHeader("Authorization", $"Bearer {tokens[i]}");
            socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(30);
            var uri = new Uri($"{wsUrls[i % wsUrls.Count]}?{query}");
            try
            {
                await socket.ConnectAsync(uri, invokers[i / SocketsPerSourceAddress], ct);
            }
            catch (WebSocketException)
            {
                socket.Dispose();
                return 0;
            }
            fleet._sockets[i] = socket;
            fleet._receivers[i] = receive(socket, fleet._stop.Token);
            return 101;
        });
        return fleet;
    }

    /// <summary>A handler whose connections come from <paramref name="source"/>.</summary>
    private HttpMessageInvoker Invoker(IPAddress source)
    {
        var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    if (OperatingSystem.IsLinux())
                        socket.SetRawSocketOption(SolIp, IpBindAddressNoPort, BitConverter.GetBytes(1));
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        });
        _invokers.Add(invoker);
        return invoker;
    }

    /// <summary>The process's open-files limit (soft), from <c>/proc/{pid}/limits</c>; null when unreadable.</summary>
    public static long? OpenFilesLimit(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var fields = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields is { Length: > 0 } && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var soft) ? soft : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Closes every socket (64 at a time), waits a little for the receive loops, and disposes.</summary>
    public async ValueTask DisposeAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var open = _sockets.Where(s => s is not null).Select(s => s!).ToArray();
        var next = -1;
        var closers = Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= open.Length)
                    return;
                try
                {
                    if (open[i].State == WebSocketState.Open)
                        await open[i].CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bench done", deadline.Token);
                }
                catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
                {
                }
            }
        }));
        await Task.WhenAll(closers);
        await Task.WhenAny(Task.WhenAll(_receivers.OfType<Task>()), Task.Delay(TimeSpan.FromSeconds(10)));
        _stop.Cancel();
        foreach (var socket in open)
            socket.Dispose();
        foreach (var invoker in _invokers)
            invoker.Dispose();
        _stop.Dispose();
    }
}
