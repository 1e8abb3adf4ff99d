namespace Presence.Storage;

/// <summary>What <see cref="IContactTable.AddAsync"/> did.</summary>
public enum ContactWrite
{
    /// <summary>Both rows written.</summary>
    Added,
    /// <summary>The two were contacts already; nothing written.</summary>
    Exists,
    /// <summary>The owner is at the cap; nothing written.</summary>
    OwnerFull,
    /// <summary>The friend is at the cap; nothing written.</summary>
    FriendFull,
}
