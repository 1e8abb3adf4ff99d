using System.Net.Http.Headers;
using System.Text;

namespace Presence.Api;

/// <summary>
/// Sends one attempt of a callback through the named client (<see cref="ClientName"/>: <c>IHttpClientFactory</c> with the
/// resilience handler's timeout per attempt, TLS verified as .NET does by default) with the Standard Webhooks headers. A
/// 2xx with a body of at most 1,000 characters is a success; anything else, a timeout or a refused target a failure.
/// </summary>
internal sealed class WebhookHttpSender(IHttpClientFactory clients, TimeProvider clock)
{
    public const string ClientName = "presence-webhooks";

    /// <summary>The longest answer a success may carry (Easemob's rule: a receiver that answers more is not a callback receiver).</summary>
    public const int MaxSuccessBodyChars = 1000;

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    public async Task<WebhookAttempt> SendAsync(ConfiguredWebhookRule rule, WebhookRequest request, CancellationToken cancellationToken)
    {
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var message = new HttpRequestMessage(HttpMethod.Post, request.Url)
        {
            Content = new ByteArrayContent(request.Body) { Headers = { ContentType = Json } },
        };
        message.Headers.TryAddWithoutValidation(StandardWebhookSignature.IdHeader, request.Id);
        message.Headers.TryAddWithoutValidation(StandardWebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        message.Headers.TryAddWithoutValidation(StandardWebhookSignature.SignatureHeader, StandardWebhookSignature.Sign(rule.SigningKey, request.Id, timestamp, request.Body));
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
                return WebhookAttempt.Failed($"HTTP {(int)response.StatusCode}");
            return await BodyFitsAsync(response, cancellationToken)
                ? WebhookAttempt.Success
                : WebhookAttempt.Failed($"HTTP {(int)response.StatusCode} with a body over {MaxSuccessBodyChars} characters");
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested && Refused(exception) is { } refused)
        {
            return WebhookAttempt.Failed(refused.Message, refused: true);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested && exception is HttpRequestException or TimeoutException or OperationCanceledException or IOException
            or Polly.Timeout.TimeoutRejectedException)
        {
            return WebhookAttempt.Failed(exception is Polly.Timeout.TimeoutRejectedException or TimeoutException or OperationCanceledException ? "timeout" : exception.Message);
        }
    }

    private static async Task<bool> BodyFitsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var buffer = new char[MaxSuccessBodyChars + 1];
        var read = 0;
        while (read < buffer.Length && await reader.ReadAsync(buffer.AsMemory(read), cancellationToken) is var n and > 0)
            read += n;
        return read <= MaxSuccessBodyChars;
    }

    private static WebhookTargetRefusedException? Refused(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is WebhookTargetRefusedException refused)
                return refused;
        }
        return null;
    }
}
