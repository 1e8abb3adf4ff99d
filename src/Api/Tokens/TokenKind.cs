namespace Presence.Api;

/// <summary>What a token may do: an app token acts on any user of its app, a user token only as that user.</summary>
internal enum TokenKind : byte
{
    App = 1,
    User = 2,
}
