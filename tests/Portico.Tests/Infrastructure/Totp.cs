namespace Portico.Tests.Infrastructure;

/// Codes as an authenticator app makes them (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits,
/// Base32 key), written apart from the app's own code so the tests hold the app to the standard.
public static class Totp
{
    public static long CurrentStep() => DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;

    public static string Code(string base32Key, long step) => Code(Base32(base32Key), step, 6);

    public static string Code(byte[] secret, long step, int digits)
    {
        var counter = BitConverter.GetBytes(step);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(counter);
        }
#pragma warning disable CA5350 // The standard, and every authenticator app, uses HMAC-SHA1.
        var hash = HMACSHA1.HashData(secret, counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0F;
        var value = ((hash[offset] & 0x7F) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (value % (int)Math.Pow(10, digits)).ToString(new string('0', digits), CultureInfo.InvariantCulture);
    }

    /// A six-digit code that is none of those the app accepts now.
    public static string WrongCode(string base32Key)
    {
        var now = CurrentStep();
        var valid = Enumerable.Range(-2, 6).Select(i => Code(base32Key, now + i)).ToHashSet();
        return Enumerable.Range(0, 10).Select(i => new string((char)('0' + i), 6)).First(c => !valid.Contains(c));
    }

    public static byte[] Base32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = string.Concat(text.Replace(" ", "", StringComparison.Ordinal).TrimEnd('=').ToUpperInvariant()
            .Select(c => Convert.ToString(alphabet.IndexOf(c, StringComparison.Ordinal), 2).PadLeft(5, '0')));
        return Enumerable.Range(0, bits.Length / 8).Select(i => Convert.ToByte(bits.Substring(i * 8, 8), 2)).ToArray();
    }
}

/// The phone of one test person. The portal takes each code once, so a second code within the
/// same 30 seconds is the next step's, which it accepts as clock drift; a third waits for time to catch up.
public sealed class TestAuthenticator(string key)
{
    private long _lastStep = long.MinValue;

    public string Key { get; } = key.Replace(" ", "", StringComparison.Ordinal);

    public async Task<string> NextCodeAsync()
    {
        var step = Math.Max(Totp.CurrentStep(), _lastStep + 1);
        while (step > Totp.CurrentStep() + 1)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
        _lastStep = step;
        return Totp.Code(Key, step);
    }

    /// The code just given again, as someone replaying it would.
    public string LastCode() => Totp.Code(Key, _lastStep);

    public string WrongCode() => Totp.WrongCode(Key);
}
