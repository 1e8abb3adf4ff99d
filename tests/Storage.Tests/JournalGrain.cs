using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;

namespace Presence.Orleans.Runtime.AdoNet.Tests;

/// <summary>A persistent test grain: every call that changes the journal writes it through before returning.</summary>
public interface IJournalGrain : IGrainWithStringKey
{
    Task<IReadOnlyList<string>> AppendAsync(string entry);
    Task<IReadOnlyList<string>> ReadAsync();
    Task<string> GetActivationIdAsync();
    Task RegisterReminderAsync(string name, TimeSpan due, TimeSpan period);
}

public sealed class JournalState
{
    public List<string> Entries { get; set; } = [];
}

/// <summary>What one silo's journal grains observed (a singleton per silo).</summary>
internal sealed class JournalRecorder
{
    private int _activations;

    public ConcurrentQueue<string> Reminders { get; } = new();

    public int Activations => Volatile.Read(ref _activations);

    public void OnActivated() => Interlocked.Increment(ref _activations);
}

internal sealed class JournalGrain(JournalRecorder recorder) : Grain<JournalState>, IJournalGrain, IRemindable
{
    private readonly string _activationId = Guid.NewGuid().ToString("N");

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        recorder.OnActivated();
        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<string>> AppendAsync(string entry)
    {
        State.Entries.Add(entry);
        await WriteStateAsync();
        return [.. State.Entries];
    }

    public Task<IReadOnlyList<string>> ReadAsync() => Task.FromResult<IReadOnlyList<string>>([.. State.Entries]);

    public Task<string> GetActivationIdAsync() => Task.FromResult(_activationId);

    public Task RegisterReminderAsync(string name, TimeSpan due, TimeSpan period) => RegisterOrUpdateReminder(name, due, period);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        State.Entries.Add($"reminder:{reminderName}");
        await WriteStateAsync();
        recorder.Reminders.Enqueue($"{GrainKey}:{reminderName}:{status.CurrentTickTime:O}");
    }
}

internal sealed class JournalGrainReference(GrainId grainId, IGrainCallInvoker invoker) : GrainReference(grainId, invoker), IJournalGrain
{
    public const string GrainType = "journal";

    public Task<IReadOnlyList<string>> AppendAsync(string entry) => InvokeAsync(new Append(entry));
    public Task<IReadOnlyList<string>> ReadAsync() => InvokeAsync(new Call<IReadOnlyList<string>>(g => g.ReadAsync()));
    public Task<string> GetActivationIdAsync() => InvokeAsync(new Call<string>(g => g.GetActivationIdAsync()));
    public Task RegisterReminderAsync(string name, TimeSpan due, TimeSpan period) => InvokeAsync(new Command(g => g.RegisterReminderAsync(name, due, period)));

    private sealed record Append(string Entry) : GrainRequest<IJournalGrain, IReadOnlyList<string>>
    {
        public override Task<IReadOnlyList<string>> InvokeAsync(IJournalGrain grain) => grain.AppendAsync(Entry);
    }

    // Test-only shortcuts: local calls need no serializable request records.
    private sealed record Call<T>(Func<IJournalGrain, Task<T>> Body) : GrainRequest<IJournalGrain, T>
    {
        public override Task<T> InvokeAsync(IJournalGrain grain) => Body(grain);
    }

    private sealed record Command(Func<IJournalGrain, Task> Body) : GrainRequest<IJournalGrain>
    {
        public override Task InvokeAsync(IJournalGrain grain) => Body(grain);
    }
}

internal static class JournalGrainRegistration
{
    public static IServiceCollection AddJournalGrain(this IServiceCollection services) =>
        services
            .AddGrainReference<IJournalGrain>(JournalGrainReference.GrainType, static (id, invoker) => new JournalGrainReference(id, invoker))
            .AddGrain<JournalGrain>(JournalGrainReference.GrainType);
}
