namespace Presence.Storage.Tests;

/// <summary>
/// Accounts and contacts in PostgreSQL as three silos use them (three data sources, three pools): the store alone makes
/// a username unique and holds the contact cap, and a server restart loses nothing.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresAccountTablesTests(PostgresFixture fixture) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly string _app = $"org/app-{Guid.NewGuid():N}"[..20];
    private readonly List<PostgresServices> _silos = [];

    public async Task InitializeAsync()
    {
        var database = await fixture.DatabaseForAsync(GetType());
        for (var i = 0; i < 3; i++)
            _silos.Add(await PostgresServices.StartAsync(database));
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
            await silo.DisposeAsync();
    }

    private AccountRow Row(string username, string hash) => new(_app, username, hash, null, true, T0, T0);

    [Fact]
    public async Task Insert_OfOneName_FromThreeSilosAtOnce_HasExactlyOneWinner()
    {
        for (var round = 0; round < 10; round++)
        {
            var name = $"race{round}";
            var inserted = await Task.WhenAll(_silos.Select((silo, i) => silo.Accounts.InsertAsync(Row(name, $"hash{i}"), CancellationToken.None)));
            Assert.Single(inserted, won => won);
            var stored = await _silos[0].Accounts.ReadAsync(_app, name, CancellationToken.None);
            Assert.Equal($"hash{Array.IndexOf(inserted, true)}", stored!.PasswordHash);
        }
    }

    [Fact]
    public async Task Contacts_AreTwoWay_AndTheCapHolds_UnderConcurrentAddsFromThreeSilos()
    {
        const int Cap = 5;
        var adds = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            _silos[i % 3].Contacts.AddAsync(_app, "owner", $"f{i}", Cap, CancellationToken.None)));
        Assert.Equal(Cap, adds.Count(a => a == ContactWrite.Added));
        Assert.Equal(20 - Cap, adds.Count(a => a == ContactWrite.OwnerFull));
        var friends = await _silos[1].Contacts.ReadAsync(_app, "owner", CancellationToken.None);
        Assert.Equal(Cap, friends.Count);
        foreach (var friend in friends)
            Assert.Equal(["owner"], await _silos[2].Contacts.ReadAsync(_app, friend, CancellationToken.None));

        Assert.Equal(ContactWrite.Exists, await _silos[0].Contacts.AddAsync(_app, friends[0], "owner", Cap, CancellationToken.None));
        Assert.Equal(ContactWrite.FriendFull, await _silos[0].Contacts.AddAsync(_app, "newcomer", "owner", Cap, CancellationToken.None));
        Assert.True(await _silos[0].Contacts.RemoveAsync(_app, friends[0], "owner", CancellationToken.None));
        Assert.Empty(await _silos[0].Contacts.ReadAsync(_app, friends[0], CancellationToken.None));
        Assert.Equal(Cap - 1, (await _silos[0].Contacts.RemoveAllAsync(_app, "owner", CancellationToken.None)).Count);
        Assert.Empty(await _silos[0].Contacts.ReadAsync(_app, friends[1], CancellationToken.None));
    }

    [LocalPostgresFact]
    public async Task AccountsAndContacts_SurviveAServerRestart()
    {
        Assert.True(await _silos[0].Accounts.InsertAsync(Row("durable", "h"), CancellationToken.None));
        Assert.Equal(ContactWrite.Added, await _silos[0].Contacts.AddAsync(_app, "durable", "pal", 3000, CancellationToken.None));
        Assert.True(await _silos[0].Accounts.SetPasswordAsync(_app, "durable", "h2", T0.AddDays(1), CancellationToken.None));

        await fixture.Server.StopAsync();
        await fixture.Server.StartAsync();

        AccountRow? account = null;
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                account = await _silos[1].Accounts.ReadAsync(_app, "durable", CancellationToken.None);
                return true;
            }
            catch (StorageUnavailableException)
            {
                return false; // pooled connections of the stopped server are found broken one by one
            }
        }, TimeSpan.FromSeconds(30), "the server to answer again");
        Assert.Equal(("h2", T0.AddDays(1)), (account!.PasswordHash, account.ModifiedAt));
        await Eventually.TrueAsync(async () => { try { await _silos[2].Contacts.ReadAsync(_app, "pal", CancellationToken.None); await _silos[1].Contacts.ReadAsync(_app, "pal", CancellationToken.None); return true; } catch (StorageUnavailableException) { return false; } }, TimeSpan.FromSeconds(30));
        Assert.Equal(["pal"], await _silos[1].Contacts.ReadAsync(_app, "durable", CancellationToken.None));
        Assert.Equal(["durable"], await _silos[2].Contacts.ReadAsync(_app, "pal", CancellationToken.None));
    }
}
