namespace Portico.Tests.Contacts;

[Collection(AppCollection.Name)]
public sealed class ContactPagesInGermanTests(PorticoApp app)
{
    [Fact]
    public async Task The_contacts_read_in_German_when_the_browser_asks_for_it_and_in_English_otherwise()
    {
        await app.AssertOwnerReadsInGermanAsync(id => $"/a/{id}/contacts",
            (InGerman.Headings, "Kontakte", "Contacts"),
            (InGerman.Buttons, "Einladung senden", "Send invitation"),
            (InGerman.TableHeaders, "Zugang bis", "Access until"));
    }

    [Fact]
    public async Task An_invitation_to_a_bad_address_is_refused_in_German()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        using var client = (await app.SignInAsync(owner)).AskingForGerman();
        var page = await client.GetPageAsync($"/a/{account.Id}/contacts");
        var roleId = page.QuerySelector("#invite-role option")!.GetAttribute("value")!;

        var response = await client.PostFormAsync($"/a/{account.Id}/contacts?handler=Invite", page,
            new Dictionary<string, string> { ["email"] = "not an address", ["roleId"] = roleId });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("Geben Sie die E-Mail-Adresse der Person ein, die Sie einladen möchten, etwa ana@example.com.",
            (await PorticoClient.ParseAsync(response)).QuerySelector("[data-testid=action-error]")?.TextContent.Trim());
    }
}
