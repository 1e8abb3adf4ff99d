namespace Presence.Grains;

/// <summary>How adding or removing a contact ended.</summary>
[GenerateSerializer, Alias("presence.ContactChange")]
public enum ContactChange
{
    /// <summary>Added (or removed) now, both directions.</summary>
    Done,
    /// <summary>Nothing to do: already friends (add) or not friends (remove).</summary>
    Unchanged,
    /// <summary>The owner has <see cref="PresenceLimits.MaxContacts"/> contacts already.</summary>
    OwnerFull,
    /// <summary>The friend has <see cref="PresenceLimits.MaxContacts"/> contacts already.</summary>
    FriendFull,
}
