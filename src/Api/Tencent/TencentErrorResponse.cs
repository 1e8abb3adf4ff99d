namespace Presence.Api;

/// <summary>Tencent's failure body: <c>{"ActionStatus":"FAIL","ErrorInfo":"…","ErrorCode":90001}</c>.</summary>
internal sealed record TencentErrorResponse(string ActionStatus, string ErrorInfo, int ErrorCode)
{
    public const string Ok = "OK";
    public const string Fail = "FAIL";
}
