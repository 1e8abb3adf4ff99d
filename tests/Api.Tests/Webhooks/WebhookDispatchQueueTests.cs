using FsCheck;
using FsCheck.Fluent;
using Presence.Webhooks;

namespace Presence.Api.Tests;

/// <summary>Per-user order, batching and Tencent's Disconnect suppression of a rule's queue (no silo, no HTTP).</summary>
public sealed class WebhookDispatchQueueTests
{
    [Fact]
    public void OneUsersEvents_LeaveOneAtATime_InCommitOrder()
    {
        var queue = new WebhookDispatchQueue(WebhookFormat.Easemob);
        queue.Add([Entry(1, "alice"), Entry(2, "bob"), Entry(3, "alice")]);

        var first = queue.TakeReady(10);
        Assert.Equal([1L, 2L], first.Select(static e => e.Sequence));
        Assert.Empty(queue.TakeReady(10)); // alice's next waits for her first

        queue.Complete([first[0]]);
        Assert.Equal([3L], queue.TakeReady(10).Select(static e => e.Sequence));
    }

    [Fact]
    public void HeldEvents_AreNotAddedTwice()
    {
        var queue = new WebhookDispatchQueue(WebhookFormat.Easemob);
        queue.Add([Entry(1, "alice")]);
        queue.Add([Entry(1, "alice"), Entry(2, "alice")]);

        Assert.Equal(2, queue.Count);
        Assert.Equal([1L, 2L], queue.Held.Order());
    }

    [Fact]
    public void Batch_TakesUpToItsSize_InCommitOrder_AndWaitsForTheBatchBefore()
    {
        var queue = new WebhookDispatchQueue(WebhookFormat.Easemob);
        queue.Add(Enumerable.Range(1, 2500).Select(static i => Entry(i, $"u{i % 7}")));

        var batch = queue.TakeBatch(1000);
        Assert.Equal(Enumerable.Range(1, 1000).Select(static i => (long)i), batch.Select(static e => e.Sequence));
        Assert.Empty(queue.TakeBatch(1000)); // every user is busy with the batch in flight

        queue.Complete(batch);
        Assert.Equal(1001, queue.TakeBatch(1000)[0].Sequence);
    }

    [Fact]
    public void Tencent_ReconnectBeforeItsDisconnectWasSent_DropsTheDisconnect()
    {
        var queue = new WebhookDispatchQueue(WebhookFormat.Tencent);
        queue.Add([Entry(1, "alice", WebhookEventKind.Login, "web")]);
        var login = queue.TakeReady(10); // in flight
        queue.Add([Entry(2, "alice", WebhookEventKind.Lost, "web"), Entry(3, "alice", WebhookEventKind.Login, "web")]);

        Assert.Equal([2L], queue.TakeDropped());
        queue.Complete(login);
        Assert.Equal([3L], queue.TakeReady(10).Select(static e => e.Sequence));
    }

    [Fact]
    public void Tencent_DisconnectAlreadyInFlight_IsNotDropped()
    {
        var queue = new WebhookDispatchQueue(WebhookFormat.Tencent);
        queue.Add([Entry(1, "alice", WebhookEventKind.Lost, "web")]);
        Assert.Single(queue.TakeReady(10));

        queue.Add([Entry(2, "alice", WebhookEventKind.Login, "web")]);

        Assert.Empty(queue.TakeDropped());
    }

    [Fact]
    public void Easemob_KeepsEveryLogout()
    {
        var queue = new WebhookDispatchQueue(WebhookFormat.Easemob);
        queue.Add([Entry(1, "alice", WebhookEventKind.Lost, "web"), Entry(2, "alice", WebhookEventKind.Login, "web")]);

        Assert.Empty(queue.TakeDropped());
        Assert.Equal(2, queue.Count);
    }

    [Fact]
    public void AnyInterleaving_DeliversEachUsersEventsInOrder_WhateverCompletesFirst()
    {
        // Events of a few users, completed in an arbitrary order of the lanes in flight: each user's order holds.
        Prop.ForAll(Gen.Choose(0, 4).ArrayOf().ToArbitrary(), Gen.Choose(0, 1000).ArrayOf().ToArbitrary(), (users, picks) =>
        {
            var queue = new WebhookDispatchQueue(WebhookFormat.Easemob);
            queue.Add(users.Select(static (u, i) => Entry(i + 1, $"u{u}")));
            var delivered = new List<WebhookOutboxEntry>();
            var inFlight = new List<WebhookOutboxEntry>();
            var pick = 0;
            while (queue.Count > 0)
            {
                inFlight.AddRange(queue.TakeReady(3));
                var done = inFlight[picks.Length == 0 ? 0 : picks[pick++ % picks.Length] % inFlight.Count];
                inFlight.Remove(done);
                queue.Complete([done]);
                delivered.Add(done);
            }
            return delivered.Count == users.Length
                && delivered.GroupBy(static e => e.Event.Username).All(static g => g.Select(static e => e.Sequence).SequenceEqual(g.Select(static e => e.Sequence).Order()));
        }).QuickCheckThrowOnFailure();
    }

    private static WebhookOutboxEntry Entry(long sequence, string user, WebhookEventKind kind = WebhookEventKind.Login, string resource = "web") =>
        new(sequence, WebhookRulesTests.Event(kind, kind == WebhookEventKind.Login ? "1" : "0", user, resource) with { Id = Guid.CreateVersion7() });
}
