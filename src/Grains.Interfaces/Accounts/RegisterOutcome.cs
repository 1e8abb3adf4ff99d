namespace Presence.Grains;

/// <summary>How a registration ended.</summary>
[GenerateSerializer, Alias("presence.RegisterOutcome")]
public enum RegisterOutcome
{
    Created,
    /// <summary>The username was already registered in the app.</summary>
    Exists,
}
