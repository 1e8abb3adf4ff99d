namespace Presence.Grains.UnitTests;

public sealed class ContactBookTests
{
    [Fact]
    public void Normalize_LowerCases_AndRefusesYourselfAndBadNames()
    {
        var book = new ContactBook("me");
        Assert.Equal("friend", book.Normalize("FRIEND"));
        Assert.Throws<ArgumentException>(() => book.Normalize("ME"));
        Assert.Throws<ArgumentException>(() => book.Normalize("not valid"));
    }

    [Fact]
    public void Add_IsIdempotent_AndSortedListsByUsername()
    {
        var book = new ContactBook("me");
        Assert.True(book.Add("b"));
        Assert.True(book.Add("a"));
        Assert.False(book.Add("b"));
        Assert.Equal(["a", "b"], book.Sorted());
        Assert.True(book.Remove("a"));
        Assert.False(book.Remove("a"));
        Assert.Equal(1, book.Count);
    }

    [Fact]
    public void Accept_ForwardsOnlyNewerVersionsOfFriends()
    {
        var book = new ContactBook("me");
        book.Load(["f"]);
        Assert.Equal(DeliveryVerdict.NotSubscribed, book.Accept("stranger", 1));
        Assert.Equal(DeliveryVerdict.Forward, book.Accept("f", 2));
        Assert.Equal(DeliveryVerdict.Stale, book.Accept("f", 2));
        Assert.Equal(DeliveryVerdict.Stale, book.Accept("f", 1));
        Assert.Equal(DeliveryVerdict.Forward, book.Accept("f", 3));
        book.ForgetForwarded();
        Assert.Equal(DeliveryVerdict.Forward, book.Accept("f", 1));
    }
}
