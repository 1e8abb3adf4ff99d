namespace Presence.Api;

/// <summary>A request body read as JSON: the value (null when the body is empty or <c>null</c>), or the error to answer.</summary>
internal readonly record struct BodyResult<T>(T? Value, EasemobError? Error)
    where T : class;
