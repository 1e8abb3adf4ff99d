using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary><c>{"result":"ok"}</c> of R1 and R4.</summary>
internal sealed record ResultResponse([property: JsonPropertyName("result")] string Result)
{
    public static readonly ResultResponse Ok = new("ok");
}
