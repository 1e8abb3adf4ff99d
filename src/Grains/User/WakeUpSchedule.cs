namespace Presence.Grains;

/// <summary>
/// Every deadline of one user, and the one grain timer and the one reminder that wake it for them: the timer at the
/// earliest deadline that needs precision, the reminder at the earliest one that must survive the activation.
/// </summary>
/// <remarks>
/// <para>Orleans reminders are periodic and polled, and each registration is a storage write. The reminder is armed
/// for the earliest durable deadline, with the connection check's period while connections hold resources (its steady
/// ticks then cost no write) and a retry period otherwise (a failed tick runs again a period later). A reminder armed
/// for no later than the next deadline stays when deadlines move later (a renewed subscription costs no write): it
/// fires early, finds nothing due, and is armed again for the right time.</para>
/// <para>No Orleans types: the grain owns the timer and the reminder and reports what it did with them.</para>
/// </remarks>
internal sealed class WakeUpSchedule(PresenceLimits limits)
{
    /// <summary>The period of a reminder that is not the connection check's: how soon a failed tick runs again.</summary>
    public static readonly TimeSpan ReminderRetryPeriod = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The soonest a reminder is armed for. Orleans skips a tick whose time passed before the reminder service scheduled
    /// it and fires one period later; a due time of zero would therefore wait a whole period.
    /// </summary>
    public static readonly TimeSpan MinReminderDueTime = TimeSpan.FromSeconds(1);

    /// <summary>After a timer tick failed (storage down), past-due work waits this long before the timer tries again.</summary>
    public static readonly TimeSpan TimerRetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>Within this of the tick the armed reminder was expected at, a tick is that one.</summary>
    private static readonly TimeSpan TickTolerance = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan MinLeaseCheckPeriod = TimeSpan.FromSeconds(1);

    private DateTimeOffset? _publishWindowEnd;
    private bool _publishPending;
    private DateTimeOffset? _leaseCheck;
    private DateTimeOffset? _orphanCheck;
    private DateTimeOffset? _subscriptionExpiry;
    private DateTimeOffset? _extGrace;
    private DateTimeOffset? _reconnectGrace;
    private DateTimeOffset? _connectionCheck;
    private bool _devicesConnected;
    private DateTimeOffset? _timerNotBefore;

    private DateTimeOffset _activatedAt;

    /// <summary>No reminder plan was made yet by this activation.</summary>
    private bool _fresh = true;

    /// <summary>Whether the reminder as stored is known to this activation (false after a failed write).</summary>
    private bool _reminderKnown;

    /// <summary>When the armed reminder ticks next; null when none is armed (and <see cref="_reminderKnown"/>).</summary>
    private DateTimeOffset? _reminderNextTick;

    private TimeSpan _reminderPeriod;

    /// <summary>How often leases are checked: a quarter of the time a device may go unrenewed, at least a second.</summary>
    public TimeSpan LeaseCheckPeriod =>
        limits.OrphanedConnectionTimeout / 4 < MinLeaseCheckPeriod ? MinLeaseCheckPeriod : limits.OrphanedConnectionTimeout / 4;

    /// <summary>
    /// Takes the deadlines that follow from the user's state: the <c>ext</c> grace deadline, the earliest subscription
    /// expiry (Unix seconds), and whether devices are connected or connections hold resources (leases and the connection
    /// check run only then; a running one keeps its next time). <paramref name="reconnectGraceDue"/>: when the earliest
    /// dropped connection's grace ends (the connection check is its durable backstop: its resource is still held).
    /// </summary>
    public void Update(DateTimeOffset now, DateTimeOffset? extClearAt, long? earliestExpiry, int deviceCount, bool connectionsHoldResources,
        DateTimeOffset? reconnectGraceDue = null)
    {
        _extGrace = extClearAt;
        _reconnectGrace = reconnectGraceDue;
        _subscriptionExpiry = earliestExpiry is { } expiry ? DateTimeOffset.FromUnixTimeSeconds(expiry) : null;
        _devicesConnected = deviceCount > 0;
        _leaseCheck = _devicesConnected ? _leaseCheck ?? now + LeaseCheckPeriod : null;
        _connectionCheck = _devicesConnected || connectionsHoldResources ? _connectionCheck ?? now + limits.ConnectionCheckPeriod : null;
    }

    /// <summary>A device is about to connect: the connection check is due by one period from now, before the change is durable.</summary>
    public void ExpectConnections(DateTimeOffset now) => _connectionCheck ??= now + limits.ConnectionCheckPeriod;

    /// <summary>An event went out: changes until the window's end are merged into one event then (no window when it is zero).</summary>
    public void OpenPublishWindow(DateTimeOffset now) =>
        _publishWindowEnd = limits.CoalescingWindow > TimeSpan.Zero ? now + limits.CoalescingWindow : null;

    /// <summary>
    /// A change to publish: held (true) while a coalescing window is open, and then the window's end publishes the state
    /// of that moment — the latest, so versions only grow; sent at once (false) otherwise.
    /// </summary>
    public bool HoldPublish()
    {
        if (_publishWindowEnd is null)
            return false;
        _publishPending = true;
        return true;
    }

    /// <summary>
    /// The activation starts at <paramref name="now"/>. Resources held by connections then are orphans until their devices
    /// register again: they get <see cref="PresenceLimits.OrphanedConnectionTimeout"/> to come back. What the stored
    /// reminder looks like is settled by the first plan (see <see cref="PlanReminder"/>).
    /// </summary>
    public void Activated(DateTimeOffset now, bool connectionsHoldResources)
    {
        _activatedAt = now;
        if (connectionsHoldResources)
            _orphanCheck = now + limits.OrphanedConnectionTimeout;
    }

    /// <summary>The earliest deadline that needs the timer; null when none does.</summary>
    public DateTimeOffset? TimerDue
    {
        get
        {
            var due = Min(Min(Min(_publishWindowEnd, _leaseCheck), Min(_orphanCheck, _extGrace)), Min(_devicesConnected ? _subscriptionExpiry : null, _reconnectGrace));
            return due is { } at && _timerNotBefore is { } notBefore && at < notBefore ? notBefore : due;
        }
    }

    /// <summary>
    /// The timer fired: the work due now. One-shot deadlines are taken (the lease check comes again a period later);
    /// the expiry and the grace deadline follow from the state and are gone once their work is done.
    /// </summary>
    public WakeUp TakeTimerWork(DateTimeOffset now)
    {
        _timerNotBefore = null;
        var due = WakeUp.None;
        if (_publishWindowEnd <= now)
        {
            _publishWindowEnd = null; // a window in which nothing was held ends without an event
            if (_publishPending)
                due |= WakeUp.PublishWindow;
            _publishPending = false;
        }
        if (_leaseCheck <= now)
        {
            _leaseCheck = now + LeaseCheckPeriod;
            due |= WakeUp.LeaseCheck;
        }
        if (_orphanCheck <= now)
        {
            _orphanCheck = null;
            due |= WakeUp.OrphanCheck;
        }
        if (_devicesConnected && _subscriptionExpiry <= now)
            due |= WakeUp.SubscriptionExpiry;
        if (_extGrace <= now)
            due |= WakeUp.ExtGrace;
        if (_reconnectGrace <= now)
            due |= WakeUp.ReconnectGrace;
        return due;
    }

    /// <summary>A tick's work failed: what is still due waits a little before the timer tries again (no hot loop).</summary>
    public void TimerFailed(DateTimeOffset now) => _timerNotBefore = now + TimerRetryDelay;

    // ---- The reminder ----

    /// <summary>The earliest deadline that must survive the activation; null when none must.</summary>
    public DateTimeOffset? ReminderDue => Min(Min(_subscriptionExpiry, _extGrace), _connectionCheck);

    /// <summary>
    /// The connection check runs (the next one is a period away while connections hold resources): true when orphaned
    /// resources go offline now; false while a fresh activation still gives devices time to reconnect, and then the
    /// orphan check is due at the end of that time.
    /// </summary>
    public bool CheckConnections(DateTimeOffset now)
    {
        if (_connectionCheck is not null)
            _connectionCheck = now + limits.ConnectionCheckPeriod;
        var reconnectedBy = _activatedAt + limits.OrphanedConnectionTimeout;
        if (now >= reconnectedBy)
            return true;
        _orphanCheck ??= reconnectedBy;
        return false;
    }

    /// <summary>
    /// On a fresh activation's first plan: where a durable deadline exists the stored reminder's schedule is not known,
    /// and it is armed anew (a crash may have left it stale); where none does, none is assumed — a leftover ticks once and
    /// is removed then.
    /// </summary>
    private void SettleAfterActivation()
    {
        if (!_fresh)
            return;
        _fresh = false;
        _reminderKnown = ReminderDue is null;
        _reminderNextTick = null;
    }

    /// <summary>A reminder write failed: what is stored is not known, and the next plan writes.</summary>
    public void ForgetReminder() => _reminderKnown = false;

    /// <summary>
    /// What the reminder needs now: armed for <see cref="ReminderDue"/> unless it already ticks no later than that; removed
    /// when nothing is due. Null: nothing to write.
    /// </summary>
    public ReminderChange? PlanReminder(DateTimeOffset now)
    {
        SettleAfterActivation();
        if (ReminderDue is not { } due)
            return _reminderKnown && _reminderNextTick is null ? null : ReminderChange.Remove;
        if (_reminderKnown && _reminderNextTick is { } tick && tick <= due)
            return null;
        return Arm(due, now);
    }

    /// <summary>
    /// The reminder ticked (its work done): armed again when its next tick would not be the next deadline — it fired
    /// early, or its period no longer fits — and removed when nothing is due.
    /// </summary>
    public ReminderChange? PlanReminderAfterTick(DateTimeOffset now)
    {
        _fresh = false; // a tick before any plan: of a registration this activation did not make
        if (_reminderKnown && _reminderNextTick is { } expected && now >= expected - TickTolerance)
            _reminderNextTick = now + _reminderPeriod;
        else
            _reminderKnown = false; // a tick of a registration this activation did not make
        if (ReminderDue is not { } due)
            return ReminderChange.Remove;
        if (_reminderKnown && _reminderPeriod == PeriodFor() && _reminderNextTick is { } tick && (tick - due).Duration() <= TickTolerance)
            return null;
        return Arm(due, now);
    }

    /// <summary>The grain did what <see cref="PlanReminder"/> asked.</summary>
    public void ReminderChanged(ReminderChange change, DateTimeOffset now)
    {
        _reminderKnown = true;
        _reminderNextTick = change.Disarm ? null : now + change.DueTime;
        _reminderPeriod = change.Period;
    }

    private ReminderChange Arm(DateTimeOffset due, DateTimeOffset now)
    {
        var dueTime = due - now;
        return ReminderChange.Arm(dueTime < MinReminderDueTime ? MinReminderDueTime : dueTime, PeriodFor());
    }

    private TimeSpan PeriodFor() => _connectionCheck is null ? ReminderRetryPeriod : limits.ConnectionCheckPeriod;

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a < b ? a : b;
}
