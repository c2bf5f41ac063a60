using Portico.Features.Requests;

namespace Portico.BrowserTests;

/// People who cannot use a mouse: every step by keys, and every stop shows where the focus is.
public sealed class KeyboardJourney(BrowserFixture fixture) : Journey(fixture)
{
    /// Settable properties because the browser's answer is bound by name, not through a constructor.
    private sealed class Focused
    {
        public string Name { get; set; } = "";
        public string Tag { get; set; } = "";
        public bool Ring { get; set; }
    }

    /// Names the focused element as a person hears it (its label without the required star, else its text)
    /// and tells whether it shows a focus ring: an outline or a box shadow.
    private const string DescribeFocus = """
        () => {
          const el = document.activeElement;
          if (!el || el === document.body) return null;
          let name = '';
          if (el.labels && el.labels.length) {
            const label = el.labels[0].cloneNode(true);
            label.querySelectorAll('[aria-hidden=true]').forEach(n => n.remove());
            name = label.textContent;
          } else {
            name = el.getAttribute('aria-label') || el.textContent || '';
          }
          const style = getComputedStyle(el);
          const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
          return { name: name.trim().replace(/\s+/g, ' '), tag: el.tagName.toLowerCase(), ring };
        }
        """;

    /// Presses Tab until the element named <paramref name="name"/> has the focus, checking the ring at every stop on the way.
    private static async Task TabToAsync(IPage page, string name, int limit = 60)
    {
        var passed = new List<string>();
        for (var i = 0; i < limit; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var focused = await page.EvaluateAsync<Focused?>(DescribeFocus);
            if (focused is null)
            {
                continue;
            }
            Assert.True(focused.Ring, $"The focused {focused.Tag} \"{focused.Name}\" on {page.Url} shows no focus indicator.");
            if (focused.Name == name)
            {
                return;
            }
            passed.Add($"{focused.Tag} \"{focused.Name}\"");
        }
        Assert.Fail($"Tab never reached \"{name}\" on {page.Url}; it passed {string.Join(", ", passed)}.");
    }

    private static async Task SignInByKeyboardAsync(IPage page, PorticoUser user)
    {
        await page.GotoAsync("/login");
        await TabToAsync(page, "Email");
        await page.Keyboard.TypeAsync(user.Email!);
        await TabToAsync(page, "Password");
        await page.Keyboard.TypeAsync(PorticoApp.Password);
        await TabToAsync(page, "Sign in");
        await page.Keyboard.PressAsync("Enter");
        // On a phone Sign out folds behind the Menu button, so leaving the sign-in page is the sign of success.
        await page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/login", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_customer_signs_in_and_submits_a_request_with_the_keyboard_alone_and_always_sees_the_focus()
    {
        var (account, requester) = await App.CreateCustomerAsync(BuiltInRoles.Requester);
        var type = await App.CreateRequestTypeAsync("Door access " + PorticoApp.Unique(),
        [
            new RequestField("door", "Which door", FieldKind.Choice, Required: true, ["North gate", "Loading bay"]),
        ]);
        var subject = "Badge reader stuck " + PorticoApp.Unique();

        await using var context = await Fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignInByKeyboardAsync(page, requester);
        await Assertions.Expect(page.GetByTestId("active-account")).ToContainTextAsync(account.Name);

        await TabToAsync(page, "Requests");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Requests", Exact = true })).ToBeVisibleAsync();
        await TabToAsync(page, "New request");
        await page.Keyboard.PressAsync("Enter");

        // With one type the form opens directly; with several the customer picks one first.
        var formHeading = page.GetByRole(AriaRole.Heading, new() { Name = "New request: " + type.Name });
        var typeChoice = page.GetByRole(AriaRole.Link, new() { Name = type.Name, Exact = true });
        await Assertions.Expect(formHeading.Or(typeChoice)).ToBeVisibleAsync();
        if (!await formHeading.IsVisibleAsync())
        {
            await TabToAsync(page, type.Name);
            await page.Keyboard.PressAsync("Enter");
        }
        await Assertions.Expect(formHeading).ToBeVisibleAsync();

        await TabToAsync(page, "Subject");
        await page.Keyboard.TypeAsync(subject);
        await TabToAsync(page, "Which door");
        await page.Keyboard.PressAsync("ArrowDown");
        await Assertions.Expect(page.GetByLabel("Which door")).ToHaveValueAsync("North gate");
        await TabToAsync(page, "Share with everyone in the account who can see requests");
        await page.Keyboard.PressAsync("Space");
        await Assertions.Expect(page.GetByLabel("Share with everyone in the account who can see requests")).ToBeCheckedAsync();
        await TabToAsync(page, "Submit request");
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = subject })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Details" })).ToContainTextAsync("North gate");

        await TabToAsync(page, "Requests");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Requests", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = subject })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Arrowing_through_the_account_switcher_does_not_switch_until_the_person_presses_Switch()
    {
        var first = await App.CreateAccountAsync("Alpha Freight " + PorticoApp.Unique());
        var second = await App.CreateAccountAsync("Beta Builders " + PorticoApp.Unique());
        var person = await App.CreateMemberAsync(first, BuiltInRoles.Owner);
        await App.AddMemberAsync(second, person, BuiltInRoles.Requester);

        await using var context = await Fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignInByKeyboardAsync(page, person);
        await page.GotoAsync($"/a/{first.Id}");
        await Assertions.Expect(page.GetByTestId("active-account")).ToContainTextAsync(first.Name);
        var navigations = 0;
        page.FrameNavigated += (_, frame) => { if (frame == page.MainFrame) { navigations++; } };

        await TabToAsync(page, "Account");
        await page.Keyboard.PressAsync("ArrowDown");
        await Assertions.Expect(page.GetByLabel("Account")).ToHaveValueAsync(second.Id.ToString());
        // Give a script that submits on change the time to do so; nothing may happen.
        await page.WaitForTimeoutAsync(1500);
        Assert.Equal(0, navigations);
        Assert.EndsWith($"/a/{first.Id}", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("active-account")).ToContainTextAsync(first.Name);

        await TabToAsync(page, "Switch");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync($"**/a/{second.Id}");
        await Assertions.Expect(page.GetByTestId("active-account")).ToContainTextAsync(second.Name);
    }
    [Fact]
    public async Task An_owner_on_a_narrow_screen_tabs_to_the_audit_log_and_scrolls_it_with_the_arrow_keys()
    {
        var (account, owner) = await App.CreateCustomerAsync(BuiltInRoles.Owner);

        await using var context = await Fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Fixture.BaseUrl, ViewportSize = new() { Width = 400, Height = 800 } });
        var page = await context.NewPageAsync();
        await SignInByKeyboardAsync(page, owner);
        await page.GotoAsync($"/a/{account.Id}/audit");
        var log = page.GetByRole(AriaRole.Region, new() { Name = "Audit events (scrolls sideways)" });
        await Assertions.Expect(log).ToBeVisibleAsync();
        Assert.Equal(0, await log.EvaluateAsync<double>("box => box.scrollLeft"));

        await TabToAsync(page, "Audit events (scrolls sideways)");
        await page.Keyboard.PressAsync("ArrowRight");

        await Assertions.Expect(log).ToBeFocusedAsync();
        await page.WaitForFunctionAsync("() => document.activeElement.scrollLeft > 0");
    }
}
