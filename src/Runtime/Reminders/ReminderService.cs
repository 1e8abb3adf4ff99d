using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Presence.Orleans.Runtime;

/// <summary>
/// Delivers durable reminders. Every poll period it reads the rows that are due and calls
/// <see cref="IRemindable.ReceiveReminder"/> on each grain (activating it if needed). A row moves to its next
/// due time, or is removed when one-shot, only after the grain took the tick: a failed or interrupted delivery
/// is retried on a later poll, so delivery is at least once and survives process death.
/// </summary>
internal sealed partial class ReminderService : IReminderRegistry, IDisposable
{
    private readonly IReminderTable _table;
    private readonly IGrainCallInvoker _invoker;
    private readonly TimeProvider _timeProvider;
    private readonly GrainRuntimeOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<(GrainId, string), byte> _inFlight = new();
    private ITimer? _timer;
    private int _polling;
    private int _pollRequested;

    public ReminderService(IReminderTable table, IGrainCallInvoker invoker, TimeProvider timeProvider, IOptions<GrainRuntimeOptions> options, ILogger<ReminderService> logger)
    {
        _table = table;
        _invoker = invoker;
        _timeProvider = timeProvider;
        _options = options.Value;
        _logger = logger;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _table.InitAsync(cancellationToken);
        _timer = _timeProvider.CreateTimer(static s => _ = ((ReminderService)s!).PollAsync(), this, _options.ReminderPollPeriod, _options.ReminderPollPeriod);
    }

    public void Stop() => _timer?.Dispose();

    public void Dispose() => Stop();

    public async Task RegisterOrUpdateAsync(GrainId grainId, string reminderName, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentException.ThrowIfNullOrEmpty(reminderName);
        if (dueTime < TimeSpan.Zero || period < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(dueTime), "Reminder due time and period must not be negative.");
        var now = _timeProvider.GetUtcNow();
        var due = now + dueTime;
        await _table.UpsertRowAsync(new ReminderEntry(grainId, reminderName, due, period, due), CancellationToken.None);
    }

    public async Task UnregisterAsync(GrainId grainId, string reminderName) =>
        await _table.RemoveRowAsync(grainId, reminderName, eTag: null, CancellationToken.None);

    /// <summary>
    /// Reads due reminders and delivers them; returns how many were delivered. A poll requested while one
    /// runs is not lost: the running poll goes round again when it finishes.
    /// </summary>
    public async Task<int> PollAsync()
    {
        Interlocked.Exchange(ref _pollRequested, 1);
        if (Interlocked.Exchange(ref _polling, 1) == 1)
            return 0;
        var delivered = 0;
        try
        {
            while (Interlocked.Exchange(ref _pollRequested, 0) == 1)
                delivered += await PollOnceAsync();
        }
        finally
        {
            Volatile.Write(ref _polling, 0);
        }
        return delivered;
    }

    private async Task<int> PollOnceAsync()
    {
        try
        {
            var now = _timeProvider.GetUtcNow();
            var due = await _table.ReadDueAsync(now, _options.ReminderBatchSize, CancellationToken.None);
            var deliveries = new List<Task<bool>>(due.Count);
            foreach (var entry in due)
            {
                if (_inFlight.TryAdd((entry.GrainId, entry.ReminderName), 0))
                    deliveries.Add(DeliverAsync(entry, now));
            }
            var results = await Task.WhenAll(deliveries);
            return results.Count(delivered => delivered);
        }
        catch (Exception exception)
        {
            LogPollFailed(exception);
            return 0;
        }
    }

    private async Task<bool> DeliverAsync(ReminderEntry entry, DateTimeOffset now)
    {
        try
        {
            var status = new TickStatus(entry.StartAt, entry.Period, entry.NextDueAt);
            await _invoker.InvokeAsync(entry.GrainId, new ReceiveReminderRequest(entry.ReminderName, status));
            if (entry.Period <= TimeSpan.Zero)
            {
                // A grain that re-registered during the tick changed the ETag: its new row stays.
                await _table.RemoveRowAsync(entry.GrainId, entry.ReminderName, entry.ETag, CancellationToken.None);
            }
            else
            {
                var missed = (long)Math.Floor((now - entry.NextDueAt) / entry.Period) + 1;
                await _table.TryUpdateDueAsync(entry, entry.NextDueAt + entry.Period * missed, CancellationToken.None);
            }
            return true;
        }
        catch (Exception exception)
        {
            LogDeliveryFailed(exception, entry.ReminderName, entry.GrainId);
            return false;
        }
        finally
        {
            _inFlight.TryRemove((entry.GrainId, entry.ReminderName), out _);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading due reminders failed; retrying next period")]
    private partial void LogPollFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reminder {ReminderName} of {GrainId} failed; it stays due")]
    private partial void LogDeliveryFailed(Exception exception, string reminderName, GrainId grainId);
}
