namespace Presence.Grains;

/// <summary>
/// What the users one user watches must be told (<see cref="DeviceSet"/>): whether it has devices connected, with the
/// set's epoch and hubs; with <see cref="Resync"/> they answer with their state. <see cref="ConnectionChanged"/>: the first
/// device came or the last one left.
/// </summary>
internal readonly record struct Announcement(bool Connected, bool Resync, bool ConnectionChanged);
