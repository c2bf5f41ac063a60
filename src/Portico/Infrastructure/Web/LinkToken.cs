namespace Portico.Infrastructure.Web;

/// The random part of a single-use link (invitations, sign-in links, setup links) and the hash that is
/// stored in its place, so a copy of the database opens nothing.
public static class LinkToken
{
    public static string New() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
