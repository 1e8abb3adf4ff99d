using System.Net;
using System.Text.Json;

namespace Presence.Api.Tests;

/// <summary>Assertions on Tencent's bodies: HTTP 200 always, <c>ActionStatus</c>, <c>ErrorCode</c>, <c>ErrorInfo</c>.</summary>
public static class TencentApiAssert
{
    /// <summary>Tencent's failure: HTTP 200 and exactly <c>ActionStatus: FAIL</c>, the code and a description.</summary>
    public static async Task FailAsync(HttpResponseMessage response, int errorCode)
    {
        var json = await Api.ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["ActionStatus", "ErrorInfo", "ErrorCode"], Api.Names(json));
        Assert.Equal("FAIL", json.GetProperty("ActionStatus").GetString());
        Assert.True(errorCode == json.GetProperty("ErrorCode").GetInt32(), $"expected ErrorCode {errorCode}: {json}");
        Assert.False(string.IsNullOrEmpty(json.GetProperty("ErrorInfo").GetString()));
    }

    /// <summary>Tencent's success of query_online_status: HTTP 200, OK, code 0, empty info; returns the body.</summary>
    public static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var json = await Api.ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(["ActionStatus", "ErrorInfo", "ErrorCode", "QueryResult", "ErrorList"], Api.Names(json));
        Assert.Equal("OK", json.GetProperty("ActionStatus").GetString());
        Assert.Equal(0, json.GetProperty("ErrorCode").GetInt32());
        Assert.Equal("", json.GetProperty("ErrorInfo").GetString());
        Assert.Equal(JsonValueKind.Array, json.GetProperty("QueryResult").ValueKind);
        Assert.Equal(JsonValueKind.Array, json.GetProperty("ErrorList").ValueKind);
        return json;
    }

    /// <summary>To_Account → Status of the QueryResult, in order.</summary>
    public static List<(string Account, string Status)> Statuses(JsonElement body) =>
        [.. body.GetProperty("QueryResult").EnumerateArray().Select(r => (r.GetProperty("To_Account").GetString()!, r.GetProperty("Status").GetString()!))];
}
