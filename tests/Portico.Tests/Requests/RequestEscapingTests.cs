namespace Portico.Tests.Requests;

public sealed class RequestEscapingTests(PorticoApp app) : AppTests
{
    private static string Script(string name) => $"<script>{name}()</script>";

    private static string Escaped(string name) => $"&lt;script&gt;{name}()&lt;/script&gt;";

    private static void AssertInert(string html, string name, string where)
    {
        Assert.False(html.Contains(Script(name), StringComparison.OrdinalIgnoreCase), $"{where} contains the raw script from {name}.");
        Assert.True(html.Contains(Escaped(name), StringComparison.Ordinal), $"{where} does not show the escaped text from {name}.");
    }

    [Fact]
    public async Task Script_in_every_text_a_person_types_is_shown_as_text_on_customer_and_staff_pages()
    {
        var agent = await app.CreateAgentAsync();
        var type = await app.CreateAssignedTypeAsync(agent,
        [
            new RequestField("summary", "Summary", FieldKind.Text, Required: false, []),
            new RequestField("details", "Details", FieldKind.LongText, Required: false, []),
        ]);
        var (account, user, customer) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
        using var staff = await app.SignInAsync(agent);

        var id = await customer.SubmitAsync(account.Id, type.Id, "Help " + Script("pwnedSubject"),
            extra: [Field("f.summary", Script("pwnedText")), Field("f.details", "First line\n" + Script("pwnedLongText"))]);
        var reply = await customer.CustomerPostAsync(account.Id, id, "Reply", [Field("Body", Script("pwnedCustomerReply"))]);
        Assert.Equal(HttpStatusCode.Redirect, reply.StatusCode);
        await staff.StaffReplyAsync(id, Script("pwnedStaffReply"));
        await staff.StaffReplyAsync(id, Script("pwnedNote"), internalNote: true);

        var customerPage = await (await customer.Http.GetAsync(new Uri(CustomerPath(account.Id, id), UriKind.Relative))).Content.ReadAsStringAsync();
        var staffPage = await (await staff.Http.GetAsync(new Uri(StaffPath(id), UriKind.Relative))).Content.ReadAsStringAsync();
        foreach (var name in new[] { "pwnedSubject", "pwnedText", "pwnedLongText", "pwnedCustomerReply", "pwnedStaffReply" })
        {
            AssertInert(customerPage, name, "The customer's request page");
            AssertInert(staffPage, name, "The staff request page");
        }
        AssertInert(staffPage, "pwnedNote", "The staff request page");
        Assert.DoesNotContain("pwnedNote", customerPage, StringComparison.Ordinal);

        var list = await (await customer.Http.GetAsync(new Uri($"/a/{account.Id}/requests", UriKind.Relative))).Content.ReadAsStringAsync();
        AssertInert(list, "pwnedSubject", "The customer's request list");
        var queue = await (await staff.Http.GetAsync(new Uri($"/staff/requests?account={account.Id}", UriKind.Relative))).Content.ReadAsStringAsync();
        AssertInert(queue, "pwnedSubject", "The staff queue");
    }
}
