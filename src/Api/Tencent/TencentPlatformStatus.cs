namespace Presence.Api;

/// <summary>One online device of an account: its Tencent platform name (<see cref="TencentPlatforms"/>) and <c>Online</c>.</summary>
internal sealed record TencentPlatformStatus(string Platform, string Status);
