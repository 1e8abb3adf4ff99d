using Presence.Webhooks;

namespace Presence.Grains;

/// <summary>
/// The webhook events one committed change of a user produces, one per enabled rule of its app that wants it: the
/// state before and after tell logins (a resource to or from "0") and status changes, <see cref="WebhookCause"/> tells
/// a logout from a lost device and a replaced connection. Made only for users of apps that have rules, so a user of an
/// app without any pays nothing. No Orleans types: <see cref="PresenceCommitter"/> puts the events on the state write.
/// </summary>
internal sealed class WebhookEvents(string org, string app, string username, IReadOnlyList<WebhookRule> rules, TimeProvider clock)
{
    /// <summary>The events of the change from <paramref name="before"/> to <paramref name="after"/>; null when none.</summary>
    public List<WebhookEvent>? Collect(UserPresenceState before, UserPresenceState after, WebhookCause cause)
    {
        List<WebhookEvent>? events = null;
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var loginOrLogout = false;
        foreach (var (resource, state) in after.Resources)
        {
            before.Resources.TryGetValue(resource, out var was);
            var wasOnline = was is not null && was.Status != PresenceDocument.OfflineStatus;
            var isOnline = state.Status != PresenceDocument.OfflineStatus;
            var connecting = cause.Kind == WebhookCauseKind.Connect && cause.Resource == resource;
            if (isOnline && (!wasOnline || connecting))
            {
                // A connection onto a resource online already is a login again, which replaced the old connection if any.
                var replacing = connecting && cause.Replacing;
                if (replacing)
                    Add(ref events, WebhookEventKind.Replaced, resource, PresenceDocument.OfflineStatus);
                Add(ref events, WebhookEventKind.Login, resource, state.Status, kicked: replacing ? resource : null);
            }
            else if (wasOnline && !isOnline)
            {
                if (state.LoggedOut || cause.Kind is WebhookCauseKind.Rest or WebhookCauseKind.Logout)
                    Add(ref events, WebhookEventKind.Logout, resource, state.Status);
                else
                    Add(ref events, WebhookEventKind.Lost, resource, state.Status, cause.LostCause);
            }
            else if (isOnline && was!.Status != state.Status)
            {
                Add(ref events, WebhookEventKind.Status, resource, state.Status);
                continue;
            }
            else
            {
                continue;
            }
            loginOrLogout = true;
        }
        foreach (var (resource, was) in before.Resources)
        {
            // Evicted over the resource limit while online: it is gone, as if logged out.
            if (!after.Resources.ContainsKey(resource) && was.Status != PresenceDocument.OfflineStatus)
            {
                Add(ref events, WebhookEventKind.Logout, resource, PresenceDocument.OfflineStatus);
                loginOrLogout = true;
            }
        }
        if (!loginOrLogout && before.Ext != after.Ext)
            Add(ref events, WebhookEventKind.Status, cause.Resource ?? FirstOnline(after) ?? "", StatusOf(after, cause.Resource));
        return events;

        void Add(ref List<WebhookEvent>? list, WebhookEventKind kind, string resource, string status, WebhookLostCause lost = WebhookLostCause.None, string? kicked = null)
        {
            foreach (var rule in rules)
            {
                if (!rule.Wants(kind) || !Fits(rule.Format, kind))
                    continue;
                (list ??= []).Add(new WebhookEvent
                {
                    Id = Guid.CreateVersion7(),
                    Rule = rule.Id,
                    Org = org,
                    App = app,
                    Username = username,
                    Resource = resource,
                    Kind = kind,
                    Cause = lost,
                    Kicked = kicked,
                    Status = status,
                    Ext = after.Ext,
                    OccurredAtMs = now,
                    Version = after.Version,
                });
            }
        }
    }

    /// <summary>Tencent's <c>State.StateChange</c> has no replaced event (the login lists the kicked device) and no status event.</summary>
    internal static bool Fits(WebhookFormat format, WebhookEventKind kind) =>
        format != WebhookFormat.Tencent || kind is not (WebhookEventKind.Replaced or WebhookEventKind.Status);

    private static string? FirstOnline(UserPresenceState state) =>
        state.Resources.Where(static p => p.Value.Status != PresenceDocument.OfflineStatus).Select(static p => p.Key).Order(StringComparer.Ordinal).FirstOrDefault();

    private static string StatusOf(UserPresenceState state, string? resource) =>
        resource is not null && state.Resources.TryGetValue(resource, out var r) ? r.Status
        : FirstOnline(state) is { } online ? state.Resources[online].Status : PresenceDocument.OfflineStatus;
}
