using FsCheck.Xunit;

namespace Presence.Grains.UnitTests;

public sealed class PresenceDocumentTests
{
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = Fakes.Clock();

    [Fact]
    public void SetStatus_RecordsAFirstOfflineResource_WithoutALogin()
    {
        var document = Fakes.Document(_clock);

        Assert.True(document.Change(() => document.SetStatus("web", "0", null, heldByDevice: false)));

        var snapshot = document.Snapshot();
        Assert.Equal("0", snapshot.Status["web"]);
        Assert.Equal(0, snapshot.LastTime);
        Assert.Equal(1, snapshot.Version);
        Assert.Equal(PresenceStatusType.Offline, snapshot.StatusType);
    }

    [Fact]
    public void SetStatus_TouchesNothing_WhenStatusAndExtAreAsTheyAre()
    {
        var document = Fakes.Document(_clock);
        document.Change(() => document.SetStatus("web", "1", "hi", heldByDevice: false));
        var before = document.Snapshot();

        Assert.False(document.Change(() => document.SetStatus("web", "1", "hi", heldByDevice: false)));
        Assert.False(document.Change(() => document.SetStatus("web", "1", null, heldByDevice: false)));

        Assert.Same(before, document.Snapshot());
    }

    [Fact]
    public void SetStatus_MovesLastTime_OnlyToOrFromOffline()
    {
        var document = Fakes.Document(_clock);
        document.Change(() => document.SetStatus("web", "1", null, heldByDevice: false));
        var login = _clock.GetUtcNow().ToUnixTimeSeconds();
        _clock.Advance(TimeSpan.FromSeconds(10));
        document.Change(() => document.SetStatus("web", "busy", null, heldByDevice: false));
        Assert.Equal(login, document.Snapshot().LastTime);

        _clock.Advance(TimeSpan.FromSeconds(10));
        document.Change(() => document.SetStatus("web", "0", null, heldByDevice: false));
        Assert.Equal(_clock.GetUtcNow().ToUnixTimeSeconds(), document.Snapshot().LastTime);
    }

    [Fact]
    public void EvictionOverTheLimit_DropsTheOldestOfflineResourceFirst_ThenTheOldestOnline()
    {
        var document = Fakes.Document(_clock, new PresenceLimits { MaxResourcesPerUser = 3 });
        foreach (var (resource, status) in new[] { ("a", "1"), ("b", "0"), ("c", "1") })
        {
            document.Change(() => document.SetStatus(resource, status, null, heldByDevice: false));
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        document.Change(() => document.SetStatus("d", "1", null, heldByDevice: false));
        Assert.Equal(["a", "c", "d"], document.Snapshot().Status.Keys.Order());

        _clock.Advance(TimeSpan.FromSeconds(1));
        document.Change(() => document.SetStatus("e", "0", null, heldByDevice: false));
        Assert.Equal(["c", "d", "e"], document.Snapshot().Status.Keys.Order()); // the new one stays even though offline
    }

    [Fact]
    public void StatusType_IsUnlogined_OnlyWhenEveryResourceLoggedOut()
    {
        var document = Fakes.Document(_clock);
        Assert.Equal(PresenceStatusType.Unlogined, document.StatusType);
        document.Change(() => { document.Connect("web"); return true; });
        document.Change(() => { document.Connect("ios"); return true; });
        Assert.Equal(PresenceStatusType.Online, document.StatusType);

        document.Change(() => document.Disconnect("web", logout: true));
        document.Change(() => document.Disconnect("ios", logout: false));
        Assert.Equal(PresenceStatusType.Offline, document.StatusType);

        document.Change(() => document.Disconnect("ios", logout: true));
        Assert.Equal(PresenceStatusType.Unlogined, document.StatusType);
    }

    [Fact]
    public void LogOutAll_LogsEveryResourceOut_OnceOnly()
    {
        var document = Fakes.Document(_clock);
        Assert.False(document.Change(document.LogOutAll));
        document.Change(() => { document.Connect("web"); return true; });
        document.Change(() => document.SetStatus("ios", "1", null, heldByDevice: false));
        document.Change(() => document.Disconnect("mac", logout: false));

        Assert.True(document.Change(document.LogOutAll));
        Assert.Equal(PresenceStatusType.Unlogined, document.StatusType);
        Assert.False(document.Change(document.LogOutAll));
    }

    [Fact]
    public void ExtGrace_StartsWhenTheLastResourceGoesOffline_AndClearsExtAtItsEnd()
    {
        var document = Fakes.Document(_clock);
        document.Change(() => document.SetStatus("web", "1", "in a meeting", heldByDevice: false));

        var checkpoint = document.Checkpoint();
        document.SetStatus("web", "0", null, heldByDevice: false);
        Assert.True(document.Seal(checkpoint));
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromSeconds(30), document.ExtClearAt);

        _clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(document.Change(document.ClearExtIfDue));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(document.Change(document.ClearExtIfDue));
        Assert.Equal("", document.Snapshot().Ext);
        Assert.Null(document.ExtClearAt);
    }

    [Fact]
    public void ExtGrace_IsCancelled_WhenAResourceComesBackOnline()
    {
        var document = Fakes.Document(_clock);
        document.Change(() => document.SetStatus("web", "1", "away", heldByDevice: false));
        document.Change(() => document.SetStatus("web", "0", null, heldByDevice: false));

        var checkpoint = document.Checkpoint();
        document.Connect("ios");
        document.Seal(checkpoint);

        Assert.True(document.CancelledGrace(checkpoint));
        Assert.Null(document.ExtClearAt);
        Assert.Equal("away", document.Snapshot().Ext);
    }

    [Fact]
    public void ZeroGrace_ClearsExtAtOnce()
    {
        var document = Fakes.Document(_clock, new PresenceLimits { ExtGracePeriod = TimeSpan.Zero });
        document.Change(() => document.SetStatus("web", "1", "away", heldByDevice: false));

        document.Change(() => document.SetStatus("web", "0", null, heldByDevice: false));

        Assert.Equal("", document.Snapshot().Ext);
        Assert.Null(document.ExtClearAt);
    }

    [Fact]
    public void Restore_ShowsTheStateBeforeTheChange_NotTheOneThatWasNeverDurable()
    {
        var document = Fakes.Document(_clock);
        document.Change(() => document.SetStatus("web", "1", null, heldByDevice: false));
        var durable = document.Snapshot();

        var checkpoint = document.Checkpoint();
        document.SetStatus("web", "0", "lost", heldByDevice: false);
        document.Seal(checkpoint);
        document.Restore(checkpoint);

        var snapshot = document.Snapshot();
        Assert.Equal(durable.Version, snapshot.Version);
        Assert.Equal("1", snapshot.Status["web"]);
        Assert.Equal("", snapshot.Ext);
    }

    [Fact]
    public void OrphanedResources_AreTheConnectionHeldOnesWithoutADevice()
    {
        var document = Fakes.Document(_clock);
        document.Change(() => { document.Connect("web"); return true; });
        document.Change(() => { document.Connect("ios"); return true; });
        document.Change(() => document.SetStatus("rest", "1", null, heldByDevice: false));

        Assert.Equal(["web"], document.OrphanedResources(resource => resource == "ios"));
        Assert.True(document.IsHeldByConnection("web"));
        Assert.False(document.IsHeldByConnection("rest"));
    }

    [Fact]
    public void ValidateStatus_RefusesAnExtOverTheByteLimit()
    {
        var document = Fakes.Document(_clock);

        Assert.Throws<ArgumentException>(() => document.ValidateStatus("web", "1", new string('é', 33)));
        document.ValidateStatus("web", "1", new string('e', 64));
    }

    /// <summary>Whatever the changes, each one that changed something is exactly one version more, and the cap holds.</summary>
    [Property(MaxTest = 200)]
    public bool Versions_GrowByOnePerChange_AndResourcesStayWithinTheCap(byte[] operations)
    {
        var clock = Fakes.Clock();
        var document = Fakes.Document(clock, new PresenceLimits { MaxResourcesPerUser = 4 });
        foreach (var operation in operations)
        {
            var resource = $"r{operation % 6}";
            var before = document.Version;
            var changed = (operation / 6 % 4) switch
            {
                0 => document.Change(() => document.SetStatus(resource, "1", null, heldByDevice: false)),
                1 => document.Change(() => document.SetStatus(resource, "0", $"x{operation % 3}", heldByDevice: false)),
                2 => document.Change(() => { document.Connect(resource); return true; }),
                _ => document.Change(() => document.Disconnect(resource, logout: operation % 2 == 0)),
            };
            clock.Advance(TimeSpan.FromMilliseconds(operation));
            if (document.Version != before + (changed ? 1 : 0) || document.Snapshot().Status.Count > 4)
                return false;
        }
        return true;
    }

    /// <summary>An online resource is never evicted while an offline one (other than the one just set) is there.</summary>
    [Property(MaxTest = 200)]
    public bool Eviction_NeverTakesAnOnlineResource_WhileAnOfflineOneIsThere(bool[] online)
    {
        var clock = Fakes.Clock();
        var document = Fakes.Document(clock, new PresenceLimits { MaxResourcesPerUser = 3 });
        for (var i = 0; i < online.Length; i++)
        {
            var before = document.Snapshot().Status;
            var resource = $"r{i}";
            document.Change(() => document.SetStatus(resource, online[i] ? "1" : "0", null, heldByDevice: false));
            clock.Advance(TimeSpan.FromSeconds(1));
            var after = document.Snapshot().Status;
            var evicted = before.Keys.Except(after.Keys).ToList();
            var offlineLeft = before.Where(p => p.Value == "0" && after.ContainsKey(p.Key)).Any();
            if (evicted.Any(r => before[r] != "0") && offlineLeft)
                return false;
        }
        return true;
    }

    [Fact]
    public void SetLostAt_SetsLastTimeToTheDrop_AndLeavesAResourceNoLongerHeldAlone()
    {
        var document = Fakes.Document(_clock);
        document.Change(() => { document.Connect("ios"); return true; });
        document.Change(() => document.SetStatus("web", "1", null, heldByDevice: false));
        var droppedAt = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromSeconds(15));

        Assert.True(document.Change(() => document.SetLostAt([("ios", droppedAt), ("web", droppedAt)])));

        var snapshot = document.Snapshot();
        Assert.Equal("0", snapshot.Status["ios"]);
        Assert.Equal("1", snapshot.Status["web"]); // set over REST, not held by a connection
        Assert.Equal(droppedAt.ToUnixTimeSeconds(), snapshot.LastTime);
        Assert.False(document.Change(() => document.SetLostAt([("ios", droppedAt)])));
    }
}
