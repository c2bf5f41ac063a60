namespace Portico.Tests.Languages;

/// The security page's refusals come from its handlers (and Identity's password rules), in the reader's language.
public sealed class SecurityMessagesInGermanTests(PorticoApp app) : AppTests
{
    private static async Task<HttpResponseMessage> ChangePasswordAsync(PorticoClient client, string current, string next)
    {
        var page = await client.GetPageAsync("/account/security");
        return await client.PostFormAsync("/account/security?handler=Password", page, new Dictionary<string, string>
        {
            ["Password.CurrentPassword"] = current, ["Password.NewPassword"] = next, ["Password.ConfirmPassword"] = next,
        });
    }

    [Fact]
    public async Task A_wrong_current_password_and_a_short_new_one_are_refused_in_German()
    {
        var (_, _, client) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
        client.AskingForGerman();

        var wrong = await ChangePasswordAsync(client, "Not-the-password-at-all", "Another-long-password-42");
        var shortOne = await ChangePasswordAsync(client, PorticoApp.Password, "Short-1");

        Assert.Equal("Das ist nicht Ihr aktuelles Passwort.", await PorticoClient.FieldErrorAsync(wrong, HttpStatusCode.OK, "Password.CurrentPassword"));
        Assert.Equal("Passwörter müssen mindestens 12 Zeichen lang sein.", await PorticoClient.FieldErrorAsync(shortOne, HttpStatusCode.OK, "Password.NewPassword"));
    }

    [Fact]
    public async Task A_wrong_authenticator_code_is_refused_in_German_and_in_English_without_the_header()
    {
        var (_, user, english) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
        using var german = (await app.SignInAsync(user)).AskingForGerman();

        foreach (var (client, expected) in new[] { (german, "Dieser Code stimmt nicht."), (english, "That code is not right.") })
        {
            var setup = await StartSetupAsync(client);
            var phone = new TestAuthenticator(setup.QuerySelector("[data-testid=authenticator-key]")!.TextContent.Trim());
            var response = await client.PostFormAsync("/account/security?handler=Enable", setup, new Dictionary<string, string> { ["Code"] = phone.WrongCode() });
            Assert.Contains(expected, (await PorticoClient.ParseAsync(response)).QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_passkey_without_a_name_is_refused_in_German()
    {
        var (_, _, client) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
        client.AskingForGerman();
        var page = await client.GetPageAsync("/account/security");

        var response = await client.PostFormAsync("/account/security?handler=AddPasskey", page,
            new Dictionary<string, string> { ["Name"] = " ", ["CredentialJson"] = "{}" });

        Assert.Contains("Geben Sie dem Passkey einen Namen", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
