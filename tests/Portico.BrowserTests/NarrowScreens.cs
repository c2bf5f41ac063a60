using static Portico.BrowserTests.EveryPage;

namespace Portico.BrowserTests;

/// On a phone the header folds into a menu and wide tables stack or scroll in their own box; every page's width at 320 and
/// 390 px is checked with the other widths in Accessibility.
public sealed class NarrowScreens(BrowserFixture fixture) : Journey(fixture)
{
    /// A page of a phone's size in the context, signed in as the person and open at the address.
    private static async Task<IPage> OnAPhoneAsync(IBrowserContext context, PorticoUser person, string path)
    {
        var page = await context.NewPageAsync();
        await SignInAsync(page, person);
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync(path);
        return page;
    }

    [Fact]
    public async Task On_a_phone_the_header_is_one_line_and_the_menu_button_opens_the_navigation_and_the_persons_links()
    {
        var data = await CreateDataAsync(App);
        await using var context = await Fixture.NewContextAsync();
        var page = await OnAPhoneAsync(context, data.Owner, $"/a/{data.Account.Id}");

        var menu = page.GetByRole(AriaRole.Button, new() { Name = "Menu" });
        var navigation = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Assertions.Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");
        await Assertions.Expect(navigation).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeHiddenAsync();
        var header = await page.GetByRole(AriaRole.Banner).BoundingBoxAsync();
        Assert.True(header!.Height <= 64, $"The header takes {header.Height} px of the phone's height.");

        await menu.ClickAsync();
        await Assertions.Expect(menu).ToHaveAttributeAsync("aria-expanded", "true");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Account", new() { Exact = true })).ToBeVisibleAsync();
        await navigation.GetByRole(AriaRole.Link, new() { Name = "Contacts" }).ClickAsync();

        // Contacts stack as label: value rows, so each person's role and the Remove button show without scrolling sideways.
        var contact = page.GetByTestId("contact").Filter(new() { HasText = data.Owner.Email! });
        await Assertions.Expect(contact).ToContainTextAsync("Role");
        var remove = contact.GetByRole(AriaRole.Button, new() { Name = "Remove" });
        await remove.ScrollIntoViewIfNeededAsync();
        await Assertions.Expect(remove).ToBeInViewportAsync();
        var box = await remove.BoundingBoxAsync();
        Assert.True(box!.X + box.Width <= 390, $"The Remove button ends at {box.X + box.Width} px, past the screen.");
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));

        // On a desktop there is no Menu button: everything shows at once.
        await page.SetViewportSizeAsync(1280, 900);
        await Assertions.Expect(menu).ToBeHiddenAsync();
        await Assertions.Expect(navigation).ToBeVisibleAsync();
    }

    [Fact]
    public async Task On_a_phone_a_table_too_wide_to_stack_scrolls_in_a_named_box_the_keyboard_reaches()
    {
        var data = await CreateDataAsync(App);
        await using var context = await Fixture.NewContextAsync();
        var page = await OnAPhoneAsync(context, data.Admin, $"/staff/accounts/{data.Account.Id}");

        var table = page.GetByRole(AriaRole.Region, new() { Name = "People with access (scrolls sideways)" });
        await Assertions.Expect(table).ToHaveAttributeAsync("tabindex", "0");
        await table.FocusAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        await page.Keyboard.PressAsync("ArrowRight");
        Assert.True(await table.EvaluateAsync<double>("e => e.scrollLeft") > 0, "The arrow keys do not scroll the table.");
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
    }
}
