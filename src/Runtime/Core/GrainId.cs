namespace Presence.Orleans.Runtime;

/// <summary>
/// Identity of a grain in the cluster: the registered grain type name plus its key.
/// Value semantics, so it can key dictionaries and cross processes as two strings.
/// </summary>
public readonly record struct GrainId(string Type, string Key)
{
    public override string ToString() => $"{Type}/{Key}";
}
