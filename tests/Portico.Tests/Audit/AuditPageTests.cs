namespace Portico.Tests.Audit;

public sealed class AuditPageTests(PorticoApp app) : AppTests
{
    [Fact]
    public async Task The_customer_and_staff_audit_logs_scroll_in_a_named_box_that_takes_keyboard_focus()
    {
        var (account, owner, ownerClient) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);
        using var admin = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Admin));

        foreach (var (client, path) in new[] { (ownerClient, $"/a/{account.Id}/audit"), (admin, "/staff/audit") })
        {
            var page = await client.GetPageAsync(path);
            var table = page.QuerySelector("main table");
            Assert.NotNull(table);
            var box = table.ParentElement!;
            Assert.Equal("0", box.GetAttribute("tabindex"));
            Assert.Equal("region", box.GetAttribute("role"));
            Assert.Equal("Audit events (scrolls sideways)", box.GetAttribute("aria-label"));
        }
    }
}
