namespace Presence.Bench;

/// <summary>Latencies in microseconds, kept whole (bounded by the scenario's count) and sorted once for percentiles.</summary>
internal sealed class LatencyRecorder
{
    private readonly List<double> _micros = [];
    private readonly object _lock = new();
    private double[]? _sorted;

    public int Count
    {
        get
        {
            lock (_lock)
                return _micros.Count;
        }
    }

    public void Add(double micros)
    {
        lock (_lock)
        {
            _micros.Add(micros);
            _sorted = null;
        }
    }

    public void AddRange(IEnumerable<double> micros)
    {
        lock (_lock)
        {
            _micros.AddRange(micros);
            _sorted = null;
        }
    }

    /// <summary>A copy of every latency recorded.</summary>
    public IReadOnlyList<double> Values()
    {
        lock (_lock)
            return [.. _micros];
    }

    /// <summary>Nearest-rank percentile (0–100) in microseconds; 0 when empty.</summary>
    public double Percentile(double percent)
    {
        lock (_lock)
        {
            if (_micros.Count == 0)
                return 0;
            _sorted ??= [.. _micros.Order()];
            var rank = (int)Math.Ceiling(percent / 100 * _sorted.Length);
            return _sorted[Math.Clamp(rank - 1, 0, _sorted.Length - 1)];
        }
    }
}
