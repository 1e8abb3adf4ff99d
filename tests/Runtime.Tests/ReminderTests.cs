namespace Presence.Orleans.Runtime.Tests;

public sealed class ReminderTests
{
    [Fact]
    public async Task OneShotReminder_Fires_WhenItsDueTimeArrives_AndIsThenRemoved()
    {
        await using var silo = await TestSilo.StartAsync();
        await silo.Grain("r1").RegisterReminderAsync("expire", TimeSpan.FromSeconds(10), TimeSpan.Zero);

        silo.Clock.Advance(TimeSpan.FromSeconds(9));
        await silo.Reminders.PollAsync();
        Assert.Equal(0, silo.Recorder.Count("reminder:"));

        silo.Clock.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => silo.Recorder.Count("reminder:r1:expire") == 1);
        await Eventually.TrueAsync(async () => await silo.ReminderTable.ReadRowAsync(silo.IdOf("r1"), "expire", CancellationToken.None) is null);
    }

    [Fact]
    public async Task Reminder_SurvivesDeactivation_AndReactivatesTheGrain()
    {
        await using var silo = await TestSilo.StartAsync();
        await silo.Grain("sleeper").RegisterReminderAsync("wake", TimeSpan.FromMinutes(30), TimeSpan.Zero);
        await silo.Catalog.DeactivateAsync(silo.IdOf("sleeper"));
        Assert.Equal(0, silo.Catalog.ActivationCount);

        silo.Clock.Advance(TimeSpan.FromMinutes(30));

        await Eventually.TrueAsync(() => silo.Recorder.Count("reminder:sleeper:wake") == 1);
        Assert.Equal(2, silo.Recorder.Activations);
    }

    [Fact]
    public async Task PeriodicReminder_FiresEachPeriod_UntilUnregistered()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grain("periodic");
        await grain.RegisterReminderAsync("tick", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));

        for (var i = 1; i <= 3; i++)
        {
            silo.Clock.Advance(TimeSpan.FromSeconds(5));
            var expected = i;
            await Eventually.TrueAsync(() => silo.Recorder.Count("reminder:periodic:tick") == expected);
        }

        await grain.UnregisterReminderAsync("tick");
        silo.Clock.Advance(TimeSpan.FromSeconds(20));
        await silo.Reminders.PollAsync();
        Assert.Equal(3, silo.Recorder.Count("reminder:periodic:tick"));
    }

    [Fact]
    public async Task FailedDelivery_StaysDue_AndIsRetriedOnTheNextPoll()
    {
        await using var silo = await TestSilo.StartAsync();
        await silo.Grain("flaky").RegisterReminderAsync("once", TimeSpan.FromSeconds(2), TimeSpan.Zero);
        silo.Recorder.FailNextReminders(1);

        silo.Clock.SetUtcNow(silo.Clock.GetUtcNow() + TimeSpan.FromSeconds(2));
        await Eventually.TrueAsync(async () =>
        {
            await silo.Reminders.PollAsync();
            return silo.Recorder.Count("reminder:flaky:once") == 1;
        }, because: "the retry delivers");
        await Eventually.TrueAsync(async () => await silo.ReminderTable.ReadRowAsync(silo.IdOf("flaky"), "once", CancellationToken.None) is null);

        Assert.Equal(1, silo.Recorder.Count("reminder:flaky:once"));
    }

    [Fact]
    public async Task ReRegisteredReminder_ReplacesTheDueTime()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grain("moved");
        await grain.RegisterReminderAsync("r", TimeSpan.FromSeconds(5), TimeSpan.Zero);
        await grain.RegisterReminderAsync("r", TimeSpan.FromSeconds(60), TimeSpan.Zero);

        silo.Clock.Advance(TimeSpan.FromSeconds(30));
        await silo.Reminders.PollAsync();
        Assert.Equal(0, silo.Recorder.Count("reminder:moved"));

        silo.Clock.Advance(TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => silo.Recorder.Count("reminder:moved:r") == 1);
    }
}
