namespace Presence.Grains.Tests;

/// <summary>A subscribe waits for its targets' answers with <see cref="GrainCallBatch"/>: all of them, failed ones included.</summary>
public sealed class GrainCallBatchTests
{
    [Fact]
    public async Task CompletesOnlyOnceEveryCallHasAnswered_FailuresIncluded_AndNeverFaults()
    {
        // Continuations run inline: once an answer is set, the waiter has already moved past it.
        var answers = Enumerable.Range(0, 3).Select(_ => new TaskCompletionSource<int>()).ToArray();
        ValueTask<int>[] calls = [new(7), .. answers.Select(a => new ValueTask<int>(a.Task))];

        var all = GrainCallBatch.WhenAllCompleted(calls);
        answers[2].SetResult(2);
        answers[0].SetException(new InvalidOperationException("target failed"));
        Assert.False(all.IsCompleted);

        await Task.Run(() => answers[1].SetResult(1));
        await all.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(all.IsCompletedSuccessfully);
        Assert.True(calls.All(c => c.IsCompleted));
        Assert.Equal(7, await calls[0]);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await calls[1]);
        Assert.Equal(1, await calls[2]);
        Assert.Equal(2, await calls[3]);
    }

    [Fact]
    public void IsAlreadyComplete_WhenEveryCallAnsweredSynchronously()
    {
        ValueTask<int>[] calls = [new(1), new(2)];

        Assert.Same(Task.CompletedTask, GrainCallBatch.WhenAllCompleted(calls));
        Assert.Same(Task.CompletedTask, GrainCallBatch.WhenAllCompleted(Array.Empty<ValueTask<int>>()));
    }

    [Fact]
    public async Task WaitsForEveryCall_WhenAnswersRaceTheRegistration()
    {
        for (var round = 0; round < 200; round++)
        {
            var answers = Enumerable.Range(0, 50).Select(_ => new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
            var calls = answers.Select(a => new ValueTask<int>(a.Task)).ToArray();
            var answering = Task.Run(() => Parallel.For(0, answers.Length, i => answers[i].SetResult(i)));

            await GrainCallBatch.WhenAllCompleted(calls).WaitAsync(TimeSpan.FromSeconds(10));

            Assert.True(calls.All(c => c.IsCompletedSuccessfully));
            await answering;
        }
    }
}
