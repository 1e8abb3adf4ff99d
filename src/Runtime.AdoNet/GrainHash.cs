using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Presence.Orleans.Runtime.AdoNet;

/// <summary>
/// A grain's position on the hash ring, stored with its reminders so each silo can later read only its
/// own range. It must never change between versions or processes (string.GetHashCode is randomised):
/// the first 4 bytes, big-endian, of SHA-256 over UTF-8 "type/key".
/// </summary>
internal static class GrainHash
{
    public static int Compute(GrainId grainId)
    {
        var text = grainId.ToString();
        var length = Encoding.UTF8.GetByteCount(text);
        var bytes = length <= 512 ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(text, bytes);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, hash);
        return BinaryPrimitives.ReadInt32BigEndian(hash);
    }
}
