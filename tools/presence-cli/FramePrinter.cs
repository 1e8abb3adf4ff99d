using System.Text;
using System.Text.Json;

namespace Presence.Cli;

/// <summary>One readable line per frame: time, kind, and the fields an operator checks.</summary>
internal static class FramePrinter
{
    public static string Format(JsonElement frame, DateTimeOffset at)
    {
        var time = at.ToLocalTime().ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);
        var type = frame.TryGetProperty("type", out var t) ? t.GetString() : null;
        return type switch
        {
            "presence" => $"{time} presence  {Str(frame, "uid")} {Str(frame, "status_type")} {Status(frame)} ext=\"{Str(frame, "ext")}\" last_time={Str(frame, "last_time")} v{frame.GetProperty("version")}",
            "subscription_ended" => $"{time} ended     {Str(frame, "uid")} ({Str(frame, "reason")})",
            "reply" => $"{time} reply     {Str(frame, "op")} #{frame.GetProperty("id")}: {frame.GetProperty("result")}{Failed(frame)}",
            "error" => $"{time} error     {(frame.TryGetProperty("op", out var op) ? op.GetString() : "")} #{frame.GetProperty("id")}: {Str(frame, "error")} {Str(frame, "error_description")}",
            _ => $"{time} frame     {frame}",
        };
    }

    private static string Str(JsonElement frame, string name) =>
        frame.TryGetProperty(name, out var value) ? value.ToString() : "";

    private static string Status(JsonElement frame)
    {
        var builder = new StringBuilder("{");
        foreach (var resource in frame.GetProperty("status").EnumerateObject())
            builder.Append(builder.Length > 1 ? ", " : "").Append(resource.Name).Append('=').Append(resource.Value.GetString());
        return builder.Append('}').ToString();
    }

    private static string Failed(JsonElement frame) =>
        frame.TryGetProperty("failed", out var failed) && failed.GetArrayLength() > 0 ? $" failed: {failed}" : "";
}
