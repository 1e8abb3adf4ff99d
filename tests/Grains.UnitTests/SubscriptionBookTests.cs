using FsCheck.Xunit;

namespace Presence.Grains.UnitTests;

public sealed class SubscriptionBookTests
{
    private const long Now = 1_000_000;

    private static SubscriptionBook Book(int cap = 3000, params (string Target, long ExpiresAt)[] entries)
    {
        var book = new SubscriptionBook("me", cap, maxPageSize: 500);
        foreach (var (target, expiresAt) in entries)
            book.Set(target, expiresAt);
        return book;
    }

    private static Dictionary<string, bool> Accepted(params string[] targets) => targets.ToDictionary(t => t, _ => true);

    [Fact]
    public void Load_KeepsExpiredSubscriptionsOfTheAppOnly()
    {
        var book = Book();
        var at = (long seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds);

        book.Load([new("org/app/me", "org/app/b", at(Now - 5)), new("org/app/me", "org/app/c", at(Now + 5)), new("org/app/me", "org/other/d", at(Now + 5))], "org/app/");

        Assert.Equal(["b", "c"], book.Entries.Keys.Order());
        Assert.Equal(Now - 5, book.EarliestExpiry);
    }

    [Fact]
    public void Subscription_IsGoneAtItsExpirySecond()
    {
        var book = Book(entries: ("b", Now + 10));

        Assert.True(book.IsLive("b", Now + 9));
        Assert.False(book.IsLive("b", Now + 10));
        Assert.Empty(book.Due(Now + 9));
        Assert.Equal(["b"], book.Due(Now + 10));
    }

    [Fact]
    public void Plan_EndsExpiredSubscriptionsNotRenewed_AndEvictsNothingUnderTheCap()
    {
        var book = Book(entries: [("old", Now - 1), ("renewed", Now - 1), ("live", Now + 5)]);

        var plan = book.Plan(Accepted("renewed", "new"), Now + 100, Now);

        Assert.Equal(["old"], plan.Expired);
        Assert.Empty(plan.Evicted);
    }

    [Fact]
    public void Plan_PastTheCap_EvictsLeastTimeLeftFirst_TiesByUid_NewOnesIncluded()
    {
        var book = Book(3, ("b", Now + 50), ("a", Now + 50), ("c", Now + 500));

        var longer = book.Plan(Accepted("d"), Now + 100, Now);
        Assert.Equal(["a"], longer.Evicted);

        var shorter = book.Plan(Accepted("d"), Now + 10, Now);
        Assert.Equal(["d"], shorter.Evicted); // a new subscription shorter than all others goes at once
    }

    [Fact]
    public void Page_IsOrderedByUid_WithTheTotalOfLiveSubscriptions()
    {
        var book = Book(entries: [("c", Now + 5), ("a", Now + 5), ("gone", Now), ("b", Now + 5)]);

        var first = book.Page(1, 2, Now);
        var second = book.Page(2, 2, Now);

        Assert.Equal(3, first.Total);
        Assert.Equal(["a", "b"], first.Items.Select(i => i.Uid));
        Assert.Equal(["c"], second.Items.Select(i => i.Uid));
        Assert.Empty(book.Page(3, 2, Now).Items);
        Assert.Throws<ArgumentOutOfRangeException>(() => book.Page(1, 501, Now));
        Assert.Throws<ArgumentOutOfRangeException>(() => book.Page(0, 10, Now));
    }

    [Fact]
    public void NormalizeTargets_LowerCasesAndDeduplicates_AndRefusesSelfAndBadNames()
    {
        var book = Book();

        Assert.Equal(["bob", "carol"], book.NormalizeTargets(["Bob", "carol", "BOB"]));
        Assert.Throws<ArgumentException>(() => book.NormalizeTargets(["ME"]));
        Assert.Throws<ArgumentException>(() => book.NormalizeTargets(["no spaces"]));
    }

    [Fact]
    public void Accept_ForwardsOnlyNewerVersionsOfLiveSubscriptions()
    {
        var book = Book(entries: ("b", Now + 10));

        Assert.Equal(DeliveryVerdict.Forward, book.Accept("b", 2, Now));
        Assert.Equal(DeliveryVerdict.Stale, book.Accept("b", 2, Now));
        Assert.Equal(DeliveryVerdict.Stale, book.Accept("b", 1, Now));
        Assert.Equal(DeliveryVerdict.Forward, book.Accept("b", 3, Now));
        Assert.Equal(DeliveryVerdict.Ended, book.Accept("b", 4, Now + 10));
        Assert.Equal(DeliveryVerdict.NotSubscribed, book.Accept("x", 1, Now));
    }

    [Fact]
    public void Remove_ForgetsWhatWasForwarded_SoARenewedSubscriptionStartsAfresh()
    {
        var book = Book(entries: ("b", Now + 10));
        book.Accept("b", 5, Now);

        book.Remove(["b"]);
        book.Set("b", Now + 10);

        Assert.Equal(DeliveryVerdict.Forward, book.Accept("b", 1, Now));
    }

    /// <summary>
    /// Whatever the existing subscriptions and the subscribe, at most the cap stay live, and every evicted one had no
    /// more time left than any that stays.
    /// </summary>
    [Property(MaxTest = 300)]
    public bool Subscribe_KeepsAtMostTheCap_EvictingLeastTimeLeft(byte[] existing, byte[] requested, byte expiry)
    {
        const int cap = 5;
        var book = Book(cap);
        foreach (var value in existing.Take(cap))
            book.Set($"u{value % 12}", Now - 20 + value % 40);
        var expiresAt = Now + 1 + expiry % 30;
        var accepted = requested.Select(v => $"u{v % 12}").Distinct().ToDictionary(t => t, _ => true);
        // Every live subscription after the call, had nothing been evicted: its expiry.
        var candidates = book.Entries.Where(p => p.Value > Now && !accepted.ContainsKey(p.Key)).ToDictionary(p => p.Key, p => p.Value);
        foreach (var target in accepted.Keys)
            candidates[target] = expiresAt;

        var plan = book.Plan(accepted, expiresAt, Now);
        book.Remove(plan.Ended);
        foreach (var target in accepted.Keys.Where(t => !plan.Evicted.Contains(t)))
            book.Set(target, expiresAt);

        var kept = candidates.Keys.Except(plan.Evicted).ToList();
        var live = book.Entries.Where(p => p.Value > Now).Select(p => p.Key).Order().ToList();
        return live.Count == Math.Min(cap, candidates.Count)
            && live.SequenceEqual(kept.Order())
            && plan.Evicted.All(candidates.ContainsKey)
            && (plan.Evicted.Count == 0 || plan.Evicted.Max(t => candidates[t]) <= kept.Min(t => candidates[t]));
    }

    /// <summary>Expiry at the exact second, for any expiry and any moment.</summary>
    [Property(MaxTest = 300)]
    public bool Subscription_IsLiveExactlyBeforeItsExpirySecond(int expiryOffset, int nowOffset)
    {
        var book = Book(entries: ("b", Now + expiryOffset));
        var now = Now + nowOffset;
        return book.IsLive("b", now) == (Now + expiryOffset > now)
            && book.Due(now).Contains("b") == (Now + expiryOffset <= now)
            && book.Page(1, 10, now).Total == (book.IsLive("b", now) ? 1 : 0);
    }

    /// <summary>
    /// Events of one target arrive in any order, repeated: the devices get a strictly growing sequence of versions,
    /// ending with the newest one — an older state is never forwarded after a newer one.
    /// </summary>
    [Property(MaxTest = 300)]
    public bool Forwarded_Versions_OnlyGrow_AndTheNewestIsForwarded(int[] versions)
    {
        var book = Book(entries: ("b", Now + 10));
        var forwarded = versions.Where(v => book.Accept("b", v, Now) == DeliveryVerdict.Forward).ToList();
        return forwarded.Zip(forwarded.Skip(1)).All(p => p.First < p.Second)
            && (versions.Length == 0 || forwarded[^1] == versions.Max());
    }

    /// <summary>The earliest expiry, kept without a scan per change, is the minimum of the entries after any sets and removals.</summary>
    [Property(MaxTest = 300)]
    public bool EarliestExpiry_IsTheMinimumOfTheEntries(int[] operations)
    {
        var book = Book();
        foreach (var operation in operations)
        {
            var target = $"u{Math.Abs(operation % 7)}";
            if (operation % 3 == 0)
                book.Remove([target]);
            else
                book.Set(target, Now + operation % 100);
            var expected = book.Entries.Count == 0 ? (long?)null : book.Entries.Values.Min();
            if (book.EarliestExpiry != expected)
                return false;
        }
        return true;
    }
}
