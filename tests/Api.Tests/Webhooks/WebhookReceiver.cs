using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using StandardWebhooks;

namespace Presence.Api.Tests;

/// <summary>
/// A real HTTP receiver of webhooks: Kestrel on 127.0.0.1 (a free port), recording every request, delivered or refused.
/// <see cref="Down"/> makes it answer 503 to everything, as a receiver that is down.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedWebhook> Requests { get; } = new();

    public volatile bool Down;

    public Uri Address { get; private set; } = null!;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var down = receiver.Down;
            receiver.Requests.Enqueue(new ReceivedWebhook(context.Request.Path + context.Request.QueryString, new HeaderDictionary(
                context.Request.Headers.ToDictionary(static h => h.Key, static h => h.Value)), body, !down, DateTimeOffset.UtcNow));
            return down ? Results.StatusCode(503) : Results.Text("ok");
        });
        await app.StartAsync();
        receiver.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return receiver;
    }

    /// <summary>Delivered requests to <paramref name="path"/>.</summary>
    public List<ReceivedWebhook> DeliveredTo(string path) => Requests.Where(r => r.Delivered && r.Path.StartsWith(path, StringComparison.Ordinal)).ToList();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One request the receiver got, and whether it answered it with a success.</summary>
public sealed record ReceivedWebhook(string Path, IHeaderDictionary Headers, string Body, bool Delivered, DateTimeOffset At)
{
    public string Id => Headers["webhook-id"].ToString();

    /// <summary>The events of the body: the object itself, or the items of a batch's array.</summary>
    public IReadOnlyList<JsonElement> Events
    {
        get
        {
            var root = JsonDocument.Parse(Body).RootElement;
            return root.ValueKind == JsonValueKind.Array ? [.. root.EnumerateArray()] : [root];
        }
    }

    /// <summary>Verifies the Standard Webhooks signature with the reference package (throws when it does not match).</summary>
    public void Verify(StandardWebhook verifier) => verifier.Verify(Body, Headers);
}
