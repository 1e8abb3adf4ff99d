namespace Presence.Orleans.Runtime;

/// <summary>Marker for grain interfaces: contracts whose calls the runtime routes to one activation.</summary>
public interface IGrain;

/// <summary>A grain addressed by a string key (for users: <c>{org}/{app}/{username}</c>).</summary>
public interface IGrainWithStringKey : IGrain;
