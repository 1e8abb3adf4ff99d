namespace Presence.Grains;

/// <summary>Why a user's grain let go of a connected device (the connection then closes).</summary>
[GenerateSerializer, Alias("presence.SessionEndReason")]
public enum SessionEndReason
{
    /// <summary>Another connection logged in with the same resource.</summary>
    Replaced,
    /// <summary>The user's activation went away (shutdown, fencing): reconnecting registers with its successor.</summary>
    Deactivated,
    /// <summary>The user's account was deleted.</summary>
    UserDeleted,
}
