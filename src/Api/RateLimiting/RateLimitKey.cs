namespace Presence.Api;

/// <summary>A rate-limit partition: one app (<c>org/app</c>) on one route (endpoint name).</summary>
internal readonly record struct RateLimitKey(string App, string Route);
