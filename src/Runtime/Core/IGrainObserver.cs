namespace Presence.Orleans.Runtime;

/// <summary>
/// Marker for interfaces of client-side objects that grains notify (Orleans' <c>IGrainObserver</c>), e.g. a
/// device's WebSocket connection. A grain holds a reference made by
/// <see cref="IGrainFactory.CreateObjectReference{TObserver}"/>, never the object. Observer methods are
/// called one way, in the order the grain called them, and must return quickly (queue, don't block).
/// </summary>
public interface IGrainObserver : IGrain;
