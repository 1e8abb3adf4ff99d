using System.Text.Json;

namespace Presence.Api;

/// <summary>
/// The body of <c>query_online_status</c>, <c>{"IsNeedDetail":0|1,"To_Account":["id1",…]}</c>, read by hand rather than
/// bound: Tencent answers a non-string account (90003) differently from broken JSON (90001), which a binder cannot tell
/// apart. Trailing commas are allowed, as in Tencent's own examples. Other fields are ignored.
/// </summary>
internal sealed class QueryOnlineStatusRequest
{
    public const int MaxAccounts = 500;

    private QueryOnlineStatusRequest(bool needDetail, List<string> accounts)
    {
        NeedDetail = needDetail;
        Accounts = accounts;
    }

    public bool NeedDetail { get; }

    /// <summary>The accounts as sent, in order, duplicates included.</summary>
    public IReadOnlyList<string> Accounts { get; }

    /// <summary>The request, or the failure to answer instead.</summary>
    public static QueryOnlineStatusRequest? Parse(ReadOnlySpan<byte> body, out TencentResult? error)
    {
        error = null;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowTrailingCommas = true, MaxDepth = 16 });
            using var document = JsonDocument.ParseValue(ref reader);
            if (reader.Read())
                return Failed(TencentErrorCodes.InvalidJson, "request body is not one JSON object", out error);
            return Parse(document.RootElement, out error);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string whose escapes are not text (a lone surrogate).
            return Failed(TencentErrorCodes.InvalidJson, "request body is not valid JSON", out error);
        }
    }

    private static QueryOnlineStatusRequest? Parse(JsonElement root, out TencentResult? error)
    {
        error = null;
        if (root.ValueKind != JsonValueKind.Object)
            return Failed(TencentErrorCodes.InvalidJson, "request body must be a JSON object", out error);

        var needDetail = false;
        if (root.TryGetProperty("IsNeedDetail", out var detail))
        {
            if (detail.ValueKind != JsonValueKind.Number || !detail.TryGetInt32(out var value) || value is not (0 or 1))
                return Failed(TencentErrorCodes.InvalidJson, "IsNeedDetail must be 0 or 1", out error);
            needDetail = value == 1;
        }

        if (!root.TryGetProperty("To_Account", out var accounts) || accounts.ValueKind != JsonValueKind.Array)
            return Failed(TencentErrorCodes.InvalidToAccount, "To_Account is required: an array of UserIDs (strings)", out error);
        var count = accounts.GetArrayLength();
        if (count == 0)
            return Failed(TencentErrorCodes.InvalidJson, "To_Account must not be empty", out error);
        if (count > MaxAccounts)
            return Failed(TencentErrorCodes.TooManyAccounts, $"To_Account holds {count} accounts; at most {MaxAccounts} per call", out error);

        var names = new List<string>(count);
        foreach (var account in accounts.EnumerateArray())
        {
            if (account.ValueKind != JsonValueKind.String)
                return Failed(TencentErrorCodes.InvalidToAccount, "To_Account must hold only strings (UserIDs)", out error);
            names.Add(account.GetString()!);
        }
        return new QueryOnlineStatusRequest(needDetail, names);
    }

    private static QueryOnlineStatusRequest? Failed(int code, string info, out TencentResult? error)
    {
        error = TencentResult.Fail(code, info);
        return null;
    }
}
