namespace Presence.Cluster.Tests;

/// <summary>
/// Sends one request per <c>period</c> until stopped and keeps every outcome. Sequential (the default), a request starts
/// only when the previous one has answered; overlapping, one starts on every tick whatever is still in flight, so a
/// request that hangs does not hold back the ones after it (a probe that measures when service comes back must not
/// wait out a hung request). The pacing is load shaping, not waiting for a condition.
/// </summary>
public sealed class RequestLoop
{
    private readonly Func<long, Task<RestOutcome>> _step;
    private readonly TimeSpan _period;
    private readonly bool _overlap;
    private readonly List<RestOutcome> _outcomes = [];
    private readonly List<Task> _inFlight = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;

    /// <param name="step">Sends the request numbered by its argument (0, 1, 2, …).</param>
    public RequestLoop(string name, TimeSpan period, Func<long, Task<RestOutcome>> step, bool overlap = false)
    {
        Name = name;
        _period = period;
        _step = step;
        _overlap = overlap;
    }

    public string Name { get; }

    /// <summary>Outcomes in the order the requests answered.</summary>
    public IReadOnlyList<RestOutcome> Outcomes
    {
        get
        {
            lock (_outcomes)
                return [.. _outcomes];
        }
    }

    public void Start() => _running ??= Task.Run(RunAsync);

    /// <summary>Stops sending, then waits for the requests in flight (each has its own deadline).</summary>
    public async Task StopAsync()
    {
        _stop.Cancel();
        if (_running is not null)
            await _running;
        Task[] inFlight;
        lock (_inFlight)
            inFlight = [.. _inFlight];
        await Task.WhenAll(inFlight);
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(_period);
        for (long n = 0; !_stop.IsCancellationRequested; n++)
        {
            var request = SendAsync(n);
            if (_overlap)
            {
                lock (_inFlight)
                {
                    _inFlight.RemoveAll(t => t.IsCompleted);
                    _inFlight.Add(request);
                }
            }
            else
            {
                await request;
            }
            try
            {
                await timer.WaitForNextTickAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task SendAsync(long n)
    {
        var outcome = await _step(n);
        lock (_outcomes)
            _outcomes.Add(outcome);
    }
}
