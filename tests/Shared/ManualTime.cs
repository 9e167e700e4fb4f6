namespace BoxOffice.Testing;

/// <summary>
/// A clock the test moves by hand; nothing waits for real time to pass. Safe to read from any thread.
/// Timers (<c>Task.Delay</c>, <c>PeriodicTimer</c>) run on real time unless <see cref="DrivesTimers"/>
/// is set, because a whole server on this clock has sweepers that must keep running between moves.
/// </summary>
public sealed class ManualTime : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private TaskCompletionSource _timersChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _utcTicks;

    public ManualTime()
        : this(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero))
    {
    }

    public ManualTime(DateTimeOffset start) => _utcTicks = start.UtcTicks;

    /// <summary>Timers fire when <see cref="Advance"/> reaches them, and never on their own.</summary>
    public bool DrivesTimers { get; init; }

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public override long GetTimestamp() => Interlocked.Read(ref _utcTicks);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public void Advance(TimeSpan by)
    {
        var now = Interlocked.Add(ref _utcTicks, by.Ticks);
        while (true)
        {
            ManualTimer? due;
            lock (_gate)
                due = _timers.Where(timer => timer.DueAt <= now).MinBy(timer => timer.DueAt);
            if (due is null)
                return;
            due.Fire();
        }
    }

    /// <summary>
    /// Completes once at least <paramref name="count"/> timers wait on this clock, so a test moves it only
    /// after the code under test has started waiting; otherwise the move could come before the wait.
    /// </summary>
    public async Task WaitForTimersAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_timers.Count >= count)
                    return;
                changed = _timersChanged.Task;
            }
            await changed.WaitAsync(timeout.Token);
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        DrivesTimers ? new ManualTimer(this, callback, state, dueTime, period) : base.CreateTimer(callback, state, dueTime, period);

    /// <summary>Puts a timer on the clock to fire at <paramref name="dueAt"/>, or takes it off with null.</summary>
    private void Schedule(ManualTimer timer, long? dueAt)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _timers.Remove(timer);
            if (dueAt is { } at)
            {
                timer.DueAt = at;
                _timers.Add(timer);
            }
            changed = _timersChanged;
            _timersChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.SetResult();
    }

    private sealed class ManualTimer : ITimer
    {
        private readonly ManualTime _time;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private TimeSpan _period;

        public ManualTimer(ManualTime time, TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _time = time;
            _callback = callback;
            _state = state;
            Change(dueTime, period);
        }

        /// <summary>When the timer fires, in clock ticks; written only under the clock's lock.</summary>
        public long DueAt { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            _period = period;
            _time.Schedule(this, dueTime == Timeout.InfiniteTimeSpan ? null : _time.GetTimestamp() + dueTime.Ticks);
            return true;
        }

        public void Fire()
        {
            var periodic = _period != Timeout.InfiniteTimeSpan && _period != TimeSpan.Zero;
            _time.Schedule(this, periodic ? DueAt + _period.Ticks : null);
            _callback(_state);
        }

        public void Dispose() => _time.Schedule(this, null);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
