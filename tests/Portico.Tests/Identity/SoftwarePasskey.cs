using System.Buffers.Text;

namespace Portico.Tests.Identity;

/// A passkey held in memory: an ES256 key stored for the person as Identity stores one, which answers
/// the login page's challenge the way a browser's authenticator does, so Identity verifies a real signature.
public sealed class SoftwarePasskey : IDisposable
{
    /// The tests' client talks to http://localhost; the relying party id is the host name.
    private const string Origin = "http://localhost";
    private const string RpId = "localhost";

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly string _userHandle;
    private uint _signCount;

    public byte[] CredentialId { get; } = RandomNumberGenerator.GetBytes(16);

    private SoftwarePasskey(PorticoUser user) => _userHandle = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(user.Id.ToString()));

    /// Makes a passkey and stores its public key for the person.
    public static async Task<SoftwarePasskey> CreateForAsync(PorticoApp app, PorticoUser user, string name = "Test passkey")
    {
        var passkey = new SoftwarePasskey(user);
        await app.WithDbAsync(async (_, services) =>
        {
            var users = services.GetRequiredService<UserManager<PorticoUser>>();
            var stored = new UserPasskeyInfo(passkey.CredentialId, passkey.CosePublicKey(), DateTimeOffset.UtcNow, 0, ["internal"],
                isUserVerified: true, isBackupEligible: false, isBackedUp: false, attestationObject: [0xA0], clientDataJson: "{}"u8.ToArray()) { Name = name };
            Assert.True((await users.AddOrUpdatePasskeyAsync((await users.FindByIdAsync(user.Id.ToString()))!, stored)).Succeeded);
            return 0;
        });
        return passkey;
    }

    /// Signs in on the login page as the page's script does: asks for options, then posts the signed answer.
    /// Without <paramref name="userVerified"/> the authenticator reports only that someone touched it, as a security key without a PIN does.
    public async Task<HttpResponseMessage> SignInAsync(PorticoClient client, bool userVerified = true)
    {
        var page = await client.GetPageAsync("/login");
        var options = await client.PostFormAsync("/login?handler=PasskeyOptions", page, new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.OK, options.StatusCode);
        string challenge;
        using (var json = JsonDocument.Parse(await options.Content.ReadAsStringAsync()))
        {
            challenge = json.RootElement.GetProperty("challenge").GetString()!;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/login?handler=Passkey", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["CredentialJson"] = Answer(challenge, userVerified),
                ["__RequestVerificationToken"] = PorticoClient.Token(page),
            }),
        };
        // Identity compares the origin the authenticator signed with the request's own Origin header, as a browser sends it.
        request.Headers.Add("Origin", Origin);
        return await client.Http.SendAsync(request);
    }

    /// The PublicKeyCredential JSON navigator.credentials.get would give the page.
    public string Answer(string challenge, bool userVerified = true)
    {
        var clientDataJson = JsonSerializer.SerializeToUtf8Bytes(new { type = "webauthn.get", challenge, origin = Origin, crossOrigin = false });
        // rpIdHash, flags (user present, and user verified when asked), then the signature counter, big-endian.
        var authenticatorData = new byte[37];
        SHA256.HashData(Encoding.UTF8.GetBytes(RpId)).CopyTo(authenticatorData, 0);
        authenticatorData[32] = (byte)(0x01 | (userVerified ? 0x04 : 0x00));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(authenticatorData.AsSpan(33), ++_signCount);
        var signature = _key.SignData([.. authenticatorData, .. SHA256.HashData(clientDataJson)], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var id = Base64Url.EncodeToString(CredentialId);
        return JsonSerializer.Serialize(new
        {
            id,
            rawId = id,
            type = "public-key",
            response = new
            {
                clientDataJSON = Base64Url.EncodeToString(clientDataJson),
                authenticatorData = Base64Url.EncodeToString(authenticatorData),
                signature = Base64Url.EncodeToString(signature),
                userHandle = _userHandle,
            },
            clientExtensionResults = new { },
        });
    }

    /// The public key as a COSE_Key map (RFC 9053): kty EC2, alg ES256, crv P-256, x, y.
    private byte[] CosePublicKey()
    {
        var point = _key.ExportParameters(includePrivateParameters: false).Q;
        return [0xA5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20, .. point.X!, 0x22, 0x58, 0x20, .. point.Y!];
    }

    public void Dispose() => _key.Dispose();
}
