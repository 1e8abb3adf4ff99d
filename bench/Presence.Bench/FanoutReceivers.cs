using System.Diagnostics;
using System.Globalization;

namespace Presence.Bench;

/// <summary>
/// The watchers' sockets of a fan-out and what they received: in this process, or — past what one process may open
/// (its open-files limit) — spread over child processes of this same program (<c>fanout-receivers</c>), each with
/// its own loopback source address, reporting progress on stdout and their tallies in a file at the end.
/// </summary>
internal interface IFanoutReceivers : IAsyncDisposable
{
    int Connected { get; }

    string? FirstError { get; }

    /// <summary>Sockets that received change <paramref name="seq"/> so far.</summary>
    int Count(int seq);

    Task WaitAsync(int seq, int expected, TimeSpan timeout);

    /// <summary>Every socket's tallies, once the changes have drained.</summary>
    Task<DeliveryTracker> CollectAsync();
}

internal sealed class LocalFanoutReceivers(SocketFleet fleet, DeliveryTracker tracker) : IFanoutReceivers
{
    public static async Task<IFanoutReceivers> OpenAsync(string[] wsUrls, string query, string[] tokens, string target, int sequences, TimeSpan limit)
    {
        var tracker = new DeliveryTracker(sequences, tokens.Length);
        var fleet = await SocketFleet.OpenAsync(wsUrls, query, tokens, 64, limit, (socket, ct) => FanoutReceiving.ReceiveAsync(socket, target, tracker, ct));
        return new LocalFanoutReceivers(fleet, tracker);
    }

    public int Connected => fleet.Connected;

    public string? FirstError => fleet.Connect.FirstError;

    public int Count(int seq) => tracker.Count(seq);

    public Task WaitAsync(int seq, int expected, TimeSpan timeout) => tracker.WaitAsync(seq, expected, timeout);

    public Task<DeliveryTracker> CollectAsync() => Task.FromResult(tracker);

    public ValueTask DisposeAsync() => fleet.DisposeAsync();
}

internal sealed class ChildFanoutReceivers : IFanoutReceivers
{
    private readonly List<Child> _children = [];
    private readonly string _directory = Directory.CreateTempSubdirectory("presence-fanout-").FullName;
    private readonly int _sequences;
    private readonly int _subscribers;

    private ChildFanoutReceivers(int sequences, int subscribers)
    {
        _sequences = sequences;
        _subscribers = subscribers;
    }

    public int Connected => _children.Sum(c => c.Connected);

    public string? FirstError => _children.Select(c => c.Error).FirstOrDefault(e => e is not null);

    /// <summary>Starts <paramref name="processes"/> children, each connecting its share of <paramref name="tokens"/>; returns once all are connected.</summary>
    public static async Task<IFanoutReceivers> OpenAsync(string[] wsUrls, string query, string[] tokens, string target, int sequences,
        int processes, TimeSpan limit)
    {
        var receivers = new ChildFanoutReceivers(sequences, tokens.Length);
        var tokenFile = Path.Combine(receivers._directory, "tokens");
        await File.WriteAllLinesAsync(tokenFile, tokens);
        var share = (tokens.Length + processes - 1) / processes;
        for (var k = 0; k < processes; k++)
        {
            var from = k * share;
            var count = Math.Min(share, tokens.Length - from);
            var output = Path.Combine(receivers._directory, $"tallies-{k}");
            receivers._children.Add(Child.Start(output,
                "fanout-receivers", "--tokens", tokenFile, "--from", $"{from}", "--count", $"{count}", "--ws-urls", string.Join(',', wsUrls),
                "--query", query, "--target", target, "--sequences", $"{sequences}", "--source", $"{k + 1}", "--out", output,
                "--seconds", $"{(int)limit.TotalSeconds}"));
        }
        using var deadline = new CancellationTokenSource(limit);
        await Task.WhenAll(receivers._children.Select(c => c.Ready.WaitAsync(deadline.Token)));
        return receivers;
    }

    public int Count(int seq) => _children.Sum(c => c.Count(seq));

    public async Task WaitAsync(int seq, int expected, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (Count(seq) < expected && clock.Elapsed < timeout)
            await Task.Delay(20);
    }

    public async Task<DeliveryTracker> CollectAsync()
    {
        var tracker = new DeliveryTracker(_sequences, _subscribers);
        foreach (var child in _children)
            await child.StopAsync();
        foreach (var child in _children)
        {
            await using var file = File.OpenRead(child.Output);
            using var reader = new BinaryReader(file);
            tracker.MergeFrom(reader);
        }
        return tracker;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var child in _children)
            await child.StopAsync();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>The child's side: connect a share of the sockets, report progress, write the tallies when told to stop.</summary>
    public static async Task<int> RunChildAsync(BenchArgs options)
    {
        var tokens = File.ReadLines(options.Get("tokens")).Skip(options.Int("from")).Take(options.Int("count")).ToArray();
        var sequences = options.Int("sequences");
        var tracker = new DeliveryTracker(sequences, tokens.Length);
        var target = options.Get("target");
        var fleet = await SocketFleet.OpenAsync(options.Get("ws-urls").Split(','), options.Get("query"), tokens, 64,
            TimeSpan.FromSeconds(options.Int("seconds", 300)), (socket, ct) => FanoutReceiving.ReceiveAsync(socket, target, tracker, ct),
            firstSourceAddress: options.Int("source"));
        Console.WriteLine($"ready {fleet.Connected} {fleet.Connect.FirstError}");
        var stop = Task.Run(() => Console.In.ReadLine());
        var reported = new int[sequences];
        while (!stop.IsCompleted)
        {
            for (var seq = 0; seq < sequences; seq++)
            {
                var count = tracker.Count(seq);
                if (count != reported[seq])
                    Console.WriteLine($"seq {seq} {reported[seq] = count}");
            }
            await Task.WhenAny(stop, Task.Delay(20));
        }
        await fleet.DisposeAsync();
        await using (var file = File.Create(options.Get("out")))
        await using (var writer = new BinaryWriter(file))
            tracker.WriteTo(writer);
        Console.WriteLine("done");
        return 0;
    }

    /// <summary>One child process and what it reported.</summary>
    private sealed class Child
    {
        private readonly Process _process;
        private readonly int[] _counts = new int[1024];
        private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private Child(Process process, string output)
        {
            _process = process;
            Output = output;
        }

        public string Output { get; }
        public int Connected { get; private set; }
        public string? Error { get; private set; }
        public Task Ready => _ready.Task;

        public int Count(int seq) => seq < _counts.Length ? Volatile.Read(ref _counts[seq]) : 0;

        public static Child Start(string output, params string[] arguments)
        {
            var start = new ProcessStartInfo(Environment.ProcessPath!)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(typeof(ChildFanoutReceivers).Assembly.Location);
            foreach (var argument in arguments)
                start.ArgumentList.Add(argument);
            var child = new Child(Process.Start(start)!, output);
            _ = Task.Run(child.ReadAsync);
            return child;
        }

        private async Task ReadAsync()
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                var parts = line.Split(' ', 3);
                switch (parts[0])
                {
                    case "ready":
                        Connected = int.Parse(parts[1], CultureInfo.InvariantCulture);
                        Error = parts.Length > 2 && parts[2].Length > 0 ? parts[2] : null;
                        _ready.TrySetResult();
                        break;
                    case "seq" when int.Parse(parts[1], CultureInfo.InvariantCulture) is var seq && seq < _counts.Length:
                        Volatile.Write(ref _counts[seq], int.Parse(parts[2], CultureInfo.InvariantCulture));
                        break;
                    case "done":
                        _done.TrySetResult();
                        break;
                }
            }
            _ready.TrySetException(new InvalidOperationException("a fan-out receiver process ended before it was ready"));
            _done.TrySetResult();
        }

        public async Task StopAsync()
        {
            if (_done.Task.IsCompleted)
                return;
            try
            {
                await _process.StandardInput.WriteLineAsync("stop");
                await _process.StandardInput.FlushAsync();
            }
            catch (IOException)
            {
                // gone already
            }
            await Task.WhenAny(_done.Task, Task.Delay(TimeSpan.FromSeconds(60)));
            if (!_process.HasExited)
                _process.Kill();
            await _process.WaitForExitAsync();
        }
    }
}
