using System.Text.Json.Serialization;

namespace Presence.Webhooks;

/// <summary>
/// One webhook event for one rule, as the outbox stores it: what happened, not the body (the body is made when it is
/// sent, with the rule's secret, which never reaches the database). <see cref="Id"/> is the <c>webhook-id</c> of every
/// attempt, so a receiver can drop the duplicates that at-least-once delivery sends.
/// </summary>
public sealed record WebhookEvent
{
    public required Guid Id { get; init; }

    /// <summary>The rule this event is for (<see cref="WebhookRule.Id"/>).</summary>
    public required string Rule { get; init; }

    /// <summary>Lower-case org name.</summary>
    public required string Org { get; init; }

    /// <summary>Lower-case app name.</summary>
    public required string App { get; init; }

    public required string Username { get; init; }

    public required string Resource { get; init; }

    public required WebhookEventKind Kind { get; init; }

    /// <summary>Why a <see cref="WebhookEventKind.Lost"/> device was lost; <see cref="WebhookLostCause.None"/> otherwise.</summary>
    public WebhookLostCause Cause { get; init; }

    /// <summary>On a login that replaced a connection (Tencent's <c>KickedDevice</c>): the resource it replaced.</summary>
    public string? Kicked { get; init; }

    /// <summary>The resource's status after the change ("0" offline).</summary>
    public string Status { get; init; } = "0";

    /// <summary>The user's custom status after the change.</summary>
    public string Ext { get; init; } = "";

    /// <summary>When it happened, Unix milliseconds.</summary>
    public required long OccurredAtMs { get; init; }

    /// <summary>The user's presence version after the change: the order of one user's events.</summary>
    public long Version { get; init; }

    /// <summary>The user's grain key, <c>{org}/{app}/{username}</c>: the unit of ordering.</summary>
    [JsonIgnore]
    public string UserKey => $"{Org}/{App}/{Username}";

    /// <summary>The app key, <c>{org}/{app}</c>.</summary>
    [JsonIgnore]
    public string AppKey => $"{Org}/{App}";
}
