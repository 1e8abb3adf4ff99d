using Orleans.Reminders.Diagnostics;

namespace Presence.Grains.Tests;

/// <summary>
/// Follows Orleans' reminder diagnostics (process-wide, hence keyed by grain id, which is unique per test app) so that a
/// test can move the clock only once a reminder's owner is actually waiting for its tick. A local reminder arms its
/// wait asynchronously after a registration or a tick; a clock moved past the due time before that skips the tick (the
/// next one is a period later), so: note the tick count, wait until armed, advance, wait for the count to grow.
/// </summary>
internal sealed class ReminderProbe : IDisposable
{
    private readonly object _lock = new();
    private readonly Dictionary<(GrainId Grain, string Name), Dictionary<object, LocalReminder>> _local = [];
    private readonly Dictionary<(GrainId Grain, string Name), int> _ticks = [];
    private readonly HashSet<SiloAddress> _startedServices = [];
    private readonly IDisposable _events;
    private readonly IDisposable _serviceEvents;

    public ReminderProbe()
    {
        _events = ReminderEvents.AllEvents.Subscribe(new Observer<ReminderEvents.ReminderEvent>(OnEvent));
        _serviceEvents = ReminderEvents.ServiceEvents.Subscribe(new Observer<ReminderEvents.ReminderServiceEvent>(OnServiceEvent));
    }

    /// <summary>Ticks of this reminder that the grain has handled.</summary>
    public int TicksOf(GrainId grain, string name)
    {
        lock (_lock)
            return _ticks.GetValueOrDefault((grain, name));
    }

    public Task WaitForTicksAsync(GrainId grain, string name, int count) =>
        Eventually.TrueAsync(() => TicksOf(grain, name) >= count, because: $"reminder {name} of {grain} ticks {count} times");

    /// <summary>Waits until an owner of this reminder waits for the tick of its latest schedule.</summary>
    public Task WaitUntilArmedAsync(GrainId grain, string name) =>
        Eventually.TrueAsync(() => IsArmed(grain, name), because: $"reminder {name} of {grain} is armed");

    public bool IsArmed(GrainId grain, string name)
    {
        lock (_lock)
            return _local.TryGetValue((grain, name), out var instances) && instances.Values.Any(i => i.IsArmed);
    }

    public Task WaitForServicesAsync(IEnumerable<SiloAddress> silos, TimeSpan timeout)
    {
        var expected = silos.ToList();
        return Eventually.TrueAsync(
            () =>
            {
                lock (_lock)
                    return expected.All(_startedServices.Contains);
            },
            timeout,
            "every silo's reminder service has started");
    }

    public void Dispose()
    {
        _events.Dispose();
        _serviceEvents.Dispose();
    }

    private void OnServiceEvent(ReminderEvents.ReminderServiceEvent value)
    {
        if (value is ReminderEvents.ReminderServiceStarted { SiloAddress: { } silo })
        {
            lock (_lock)
                _startedServices.Add(silo);
        }
    }

    private void OnEvent(ReminderEvents.ReminderEvent value)
    {
        var key = (value.GrainId, value.ReminderName);
        lock (_lock)
        {
            switch (value)
            {
                case ReminderEvents.LocalReminderStarted started:
                    Instances(key)[started.Identity] = new LocalReminder(started.SiloAddress);
                    break;
                case ReminderEvents.LocalReminderStopped stopped:
                    Instances(key).Remove(stopped.Identity);
                    break;
                case ReminderEvents.LocalReminderScheduleChanged changed when Instances(key).TryGetValue(changed.Identity, out var instance):
                    instance.ScheduleVersion = Math.Max(instance.ScheduleVersion, changed.ScheduleVersion);
                    break;
                case ReminderEvents.LocalReminderTickWaitArmed armed when Instances(key).TryGetValue(armed.Identity, out var instance):
                    instance.ArmedVersion = Math.Max(instance.ArmedVersion, armed.ScheduleVersion);
                    instance.Waiting = true;
                    break;
                case ReminderEvents.TickFiring firing:
                    foreach (var instance in Instances(key).Values.Where(i => Equals(i.Silo, firing.SiloAddress)))
                        instance.Waiting = false;
                    break;
                case ReminderEvents.TickCompleted:
                    _ticks[key] = _ticks.GetValueOrDefault(key) + 1;
                    break;
            }
        }
    }

    private Dictionary<object, LocalReminder> Instances((GrainId, string) key)
    {
        if (!_local.TryGetValue(key, out var instances))
            _local[key] = instances = new Dictionary<object, LocalReminder>(ReferenceEqualityComparer.Instance);
        return instances;
    }

    private sealed class LocalReminder(SiloAddress? silo)
    {
        public SiloAddress? Silo { get; } = silo;

        public long ScheduleVersion { get; set; }

        public long ArmedVersion { get; set; } = -1;

        public bool Waiting { get; set; }

        public bool IsArmed => Waiting && ArmedVersion >= ScheduleVersion;
    }

    private sealed class Observer<T>(Action<T> onNext) : IObserver<T>
    {
        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void OnNext(T value) => onNext(value);
    }
}
