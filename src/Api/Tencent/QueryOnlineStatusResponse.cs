namespace Presence.Api;

/// <summary>The answer of <c>query_online_status</c>: one <c>QueryResult</c> per legal account, the others in <c>ErrorList</c>.</summary>
internal sealed record QueryOnlineStatusResponse(
    string ActionStatus,
    string ErrorInfo,
    int ErrorCode,
    IReadOnlyList<TencentAccountStatus> QueryResult,
    IReadOnlyList<TencentAccountError> ErrorList);
