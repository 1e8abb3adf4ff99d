namespace Presence.Grains.Tests;

/// <summary>Drops reminder ticks at the grain's door: reminders stay registered and stored, but never fire.</summary>
internal sealed class QuietRemindersFilter : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context) =>
        context.InterfaceMethod?.DeclaringType == typeof(IRemindable) ? Task.CompletedTask : context.Invoke();
}
