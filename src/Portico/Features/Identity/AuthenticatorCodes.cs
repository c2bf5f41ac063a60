namespace Portico.Features.Identity;

/// Checks codes from authenticator apps (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits).
/// Identity's own provider accepts the same code again for several minutes; this one accepts
/// each code once (RFC 6238, section 5.2), so a code read over someone's shoulder or from a
/// proxy log cannot be replayed. The last accepted step is kept in the user's tokens.
public sealed class AuthenticatorCodes(TimeProvider clock) : IUserTwoFactorTokenProvider<PorticoUser>
{
    public const string ProviderName = "PorticoAuthenticator";
    private const string TokenStore = "[Portico]";
    private const string LastStepToken = "AuthenticatorLastStep";
    private const int StepSeconds = 30;

    /// Codes may come from a phone whose clock is a step behind or ahead, or be typed as the step turns.
    private const int AllowedDrift = 1;

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<PorticoUser> manager, PorticoUser user) =>
        !string.IsNullOrEmpty(await manager.GetAuthenticatorKeyAsync(user));

    /// The app makes the codes; the server never sends one.
    public Task<string> GenerateAsync(string purpose, UserManager<PorticoUser> manager, PorticoUser user) => Task.FromResult(string.Empty);

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<PorticoUser> manager, PorticoUser user)
    {
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key) || token.Length != 6 || !token.All(char.IsAsciiDigit) || Base32.Decode(key) is not { } secret)
        {
            return false;
        }
        var keyId = KeyId(key);
        var lastUsed = LastUsedStep(await manager.GetAuthenticationTokenAsync(user, TokenStore, LastStepToken), keyId);
        var now = clock.GetUtcNow().ToUnixTimeSeconds() / StepSeconds;
        for (var step = now - AllowedDrift; step <= now + AllowedDrift; step++)
        {
            if (step > lastUsed && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Code(secret, step)), Encoding.ASCII.GetBytes(token)))
            {
                var saved = await manager.SetAuthenticationTokenAsync(user, TokenStore, LastStepToken,
                    string.Create(CultureInfo.InvariantCulture, $"{step}:{keyId}"));
                return saved.Succeeded;
            }
        }
        return false;
    }

    public static string Code(byte[] secret, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // RFC 6238 and every authenticator app use HMAC-SHA1; it is not used for collision resistance here.
        HMACSHA1.HashData(secret, counter, hash);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0F;
        var binary = ((hash[offset] & 0x7F) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
    }

    /// A step recorded for an earlier key says nothing about codes of a new one.
    private static long LastUsedStep(string? stored, string keyId)
    {
        var parts = stored?.Split(':');
        return parts is [var step, var id] && id == keyId && long.TryParse(step, CultureInfo.InvariantCulture, out var value) ? value : long.MinValue;
    }

    private static string KeyId(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(key)))[..12];

    /// How the key is shown and put into an app: in groups of four, and as an otpauth:// link
    /// (the format authenticator apps read from QR codes).
    public static string Grouped(string key) =>
        string.Join(' ', key.Chunk(4).Select(c => new string(c)));

    public static string SetupUri(string issuer, string accountName, string key) =>
        $"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString(accountName)}?secret={key}&issuer={Uri.EscapeDataString(issuer)}&digits=6";
}

/// RFC 4648 Base32, the alphabet authenticator keys are written in.
internal static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static byte[]? Decode(string text)
    {
        var output = new List<byte>(text.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in text.TrimEnd('='))
        {
            var value = Alphabet.IndexOf(char.ToUpperInvariant(c), StringComparison.Ordinal);
            if (value < 0)
            {
                return null;
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                output.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }
        return output.ToArray();
    }
}
