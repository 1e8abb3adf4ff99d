namespace Presence.Orleans.Runtime;

/// <summary>
/// Marks a request that may start while another turn of the same activation is awaiting (Orleans'
/// <c>[AlwaysInterleave]</c>). Use it for short calls that other grains make while they may themselves be
/// waiting on this grain — e.g. a target admitting a watcher — so crossed calls cannot deadlock. Such a
/// request still never runs at the same moment as another turn (see the activation scheduler), but it may
/// observe state that an awaiting turn has changed and not yet written.
/// </summary>
public interface IAlwaysInterleave;
