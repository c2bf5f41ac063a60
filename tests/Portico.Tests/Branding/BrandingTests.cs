using System.Buffers.Binary;
using AngleSharp.Html.Dom;
using Portico.Features.Branding;

namespace Portico.Tests.Branding;

/// The brand is one row for the whole portal, so these tests run on a portal of their own.
public sealed class BrandingApp : PorticoApp;

/// Staff Admins set the portal's name, colours, images, support contact and footer links at /staff/branding; every page,
/// the sign-in pages and email show them from the next request on.
public sealed class BrandingTests(BrandingApp app) : IClassFixture<BrandingApp>
{
    internal static readonly byte[] Png32 = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAIAAAD8GO2jAAAAKklEQVR42mM4ISdHU8QwasGoBaMWjFowasGoBaMWjFowasGoBaMWDBULACXLED1gHZEpAAAAAElFTkSuQmCC");
    internal static readonly byte[] Png16 = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR42mOQkztBEmIY1TCqYfhqAACQUwQQlNl6vgAAAABJRU5ErkJggg==");

    private static Uri Url(string path) => new(path, UriKind.Relative);

    internal static Dictionary<string, string> Fields(string name, string primary = "#0b5394", string accent = "#6b21a8") => new()
    {
        ["PortalName"] = name,
        ["PrimaryColor"] = primary,
        ["AccentColor"] = accent,
        ["SupportEmail"] = "",
        ["SupportPhone"] = "",
    };

    internal static async Task<HttpResponseMessage> SaveAsync(PorticoClient admin, Dictionary<string, string> fields,
        params (string Name, string FileName, byte[] Content)[] files) =>
        await admin.PostMultipartAsync("/staff/branding", await admin.GetPageAsync("/staff/branding"), fields, files);

    private async Task<PorticoClient> AdminAsync() => await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Admin));

    private Task<StoredBrand?> StoredAsync() => app.WithDbAsync((db, _) => db.StoredBrands.AsNoTracking().SingleOrDefaultAsync());

    private static async Task<string> AlertAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        return (await PorticoClient.ParseAsync(response)).QuerySelector("[role=alert]")!.TextContent;
    }

    [Fact]
    public async Task An_admin_saves_name_colours_logo_favicon_contact_and_links_and_the_next_pages_show_them_signed_in_and_out()
    {
        using var admin = await AdminAsync();
        var name = $"Acme Portal {PorticoApp.Unique()}";
        var fields = Fields(name);
        fields["SupportEmail"] = "help@acme.example";
        fields["SupportPhone"] = "+44 20 7946 0000";
        fields["FooterLinks[0].Label"] = "Terms";
        fields["FooterLinks[0].Url"] = "https://acme.example/terms";
        fields["FooterLinks[1].Label"] = "Privacy";
        fields["FooterLinks[1].Url"] = "https://acme.example/privacy";

        var saved = await SaveAsync(admin, fields, ("Logo", "logo.png", Png32), ("Favicon", "icon.png", Png16));
        Assert.True(saved.StatusCode == HttpStatusCode.Redirect, (await PorticoClient.ParseAsync(saved)).QuerySelector("[role=alert]")?.TextContent);

        // The very next request, signed in: layout, stylesheet, favicon and footer.
        var page = await admin.GetPageAsync("/staff");
        Assert.Equal(name, page.QuerySelector(".topbar .brand span")!.TextContent);
        var css = page.QuerySelector("link[href^='/branding.css']")!.GetAttribute("href")!;
        var stylesheet = await admin.Http.GetStringAsync(Url(css));
        Assert.Contains("--primary: #0b5394;", stylesheet, StringComparison.Ordinal);
        Assert.Contains("--accent: #6b21a8;", stylesheet, StringComparison.Ordinal);
        Assert.StartsWith("/branding/favicon?v=", page.QuerySelector("link[rel=icon]")!.GetAttribute("href"), StringComparison.Ordinal);
        Assert.Contains("help@acme.example", page.QuerySelector("[data-testid=support-contact]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("+44 20 7946 0000", page.QuerySelector("[data-testid=support-contact]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(["https://acme.example/terms", "https://acme.example/privacy"],
            page.QuerySelectorAll("[data-testid=footer-links] a").Select(a => a.GetAttribute("href")));

        // Signed out, the sign-in page shows the new name and logo, and the logo is served to anyone.
        using var visitor = app.Anonymous();
        var login = await visitor.GetPageAsync("/login");
        var brand = login.QuerySelector("[data-testid=sign-in-brand]")!;
        Assert.Equal(name, brand.QuerySelector("span")!.TextContent);
        var logoUrl = brand.QuerySelector("img")!.GetAttribute("src")!;
        Assert.StartsWith("/branding/logo?v=", logoUrl, StringComparison.Ordinal);
        var logo = await visitor.Http.GetAsync(Url(logoUrl));
        Assert.Equal(HttpStatusCode.OK, logo.StatusCode);
        Assert.Equal("image/png", logo.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", logo.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(Png32, await logo.Content.ReadAsByteArrayAsync());
        var etag = logo.Headers.ETag!;
        using var again = new HttpRequestMessage(HttpMethod.Get, Url(logoUrl));
        again.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await visitor.Http.SendAsync(again)).StatusCode);
        var favicon = await visitor.Http.GetAsync(Url("/branding/favicon"));
        Assert.Equal(Png16, await favicon.Content.ReadAsByteArrayAsync());

        var audit = await app.WithDbAsync((db, _) => db.AuditEvents.Where(e => e.Action == AuditActions.BrandingChanged)
            .OrderByDescending(e => e.Sequence).FirstAsync());
        Assert.Contains(name, audit.Details, StringComparison.Ordinal);
        Assert.Contains("#0b5394", audit.Details, StringComparison.Ordinal);

        // A later save without files keeps the images; ticking Remove takes the logo away and the configured one returns.
        fields["RemoveLogo"] = "true";
        var removed = await SaveAsync(admin, fields);
        Assert.True(removed.StatusCode == HttpStatusCode.Redirect, await removed.Content.ReadAsStringAsync());
        Assert.Equal("/img/logo.svg", (await visitor.GetPageAsync("/login")).QuerySelector("[data-testid=sign-in-brand] img")!.GetAttribute("src"));
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.Http.GetAsync(Url("/branding/logo"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await visitor.Http.GetAsync(Url("/branding/favicon"))).StatusCode);
    }

    [Theory]
    [InlineData("#777777", "#6b21a8", "primary colour #777777 has a contrast ratio of 4.47:1")]
    [InlineData("#0b5394", "#ffcc00", "accent colour #ffcc00 has a contrast ratio of 1.5")]
    [InlineData("blue", "#6b21a8", "must be # and six hex digits")]
    public async Task A_colour_white_text_cannot_be_read_on_is_refused_with_its_ratio_and_nothing_changes(string primary, string accent, string message)
    {
        using var admin = await AdminAsync();
        var before = await StoredAsync();
        var beforeCss = await admin.Http.GetStringAsync(Url("/branding.css"));

        var response = await SaveAsync(admin, Fields($"Never {PorticoApp.Unique()}", primary, accent));

        Assert.Contains(message, await AlertAsync(response), StringComparison.Ordinal);
        Assert.Equal(before?.UpdatedAt, (await StoredAsync())?.UpdatedAt);
        Assert.Equal(beforeCss, await admin.Http.GetStringAsync(Url("/branding.css")));
    }

    [Fact]
    public async Task A_logo_that_is_not_a_png_jpeg_or_webp_of_sane_size_is_refused_and_nothing_is_stored()
    {
        using var admin = await AdminAsync();
        var wide = Png32.ToArray();
        BinaryPrimitives.WriteInt32BigEndian(wide.AsSpan(16), 4000);
        var oversized = Png32.Concat(new byte[600 * 1024]).ToArray();
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"u8.ToArray();
        var html = "<html><script>alert(1)</script></html>"u8.ToArray();
        var before = await StoredAsync();
        var blobs = Directory.GetFiles(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Portico.Infrastructure.Storage.StorageOptions>>().Value.LocalPath,
            "*", SearchOption.AllDirectories).Length;

        foreach (var (field, file, bytes, message) in new[]
        {
            ("Logo", "logo.svg", svg, "SVG is not accepted"),
            ("Logo", "logo.png", html, "must be a PNG, JPEG or WebP image"),
            ("Logo", "logo.png", oversized, "at most 512 KB"),
            ("Logo", "logo.png", wide, "between 16 and 2048 pixels on each side (this one is 4000×32)"),
            ("Favicon", "icon.png", Png32.Concat(new byte[70 * 1024]).ToArray(), "favicon can be at most 64 KB"),
        })
        {
            var response = await SaveAsync(admin, Fields($"Never {PorticoApp.Unique()}"), (field, file, bytes));
            Assert.Contains(message, await AlertAsync(response), StringComparison.Ordinal);
        }
        Assert.Equal(before?.UpdatedAt, (await StoredAsync())?.UpdatedAt);
        Assert.Equal(blobs, Directory.GetFiles(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Portico.Infrastructure.Storage.StorageOptions>>().Value.LocalPath,
            "*", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public async Task Footer_links_that_are_not_https_and_a_malformed_support_contact_are_refused()
    {
        using var admin = await AdminAsync();
        var before = await StoredAsync();
        foreach (var (key, value, message) in new[]
        {
            ("FooterLinks[0].Url", "http://acme.example/terms", "Footer link 1 must be an https address"),
            ("FooterLinks[0].Url", "javascript:alert(1)", "Footer link 1 must be an https address"),
            ("FooterLinks[0].Url", "https://user:pw@acme.example/", "Footer link 1 must be an https address"),
            ("SupportEmail", "not an address", "support email must be an email address"),
            ("SupportPhone", "call us <now>", "support phone number may hold digits"),
        })
        {
            var fields = Fields($"Never {PorticoApp.Unique()}");
            fields["FooterLinks[0].Label"] = "Terms";
            fields[key] = value;
            var response = await SaveAsync(admin, fields);
            Assert.Contains(message, await AlertAsync(response), StringComparison.Ordinal);
        }
        var six = Fields($"Never {PorticoApp.Unique()}");
        for (var i = 0; i < 6; i++)
        {
            six[$"FooterLinks[{i}].Label"] = $"Link {i}";
            six[$"FooterLinks[{i}].Url"] = $"https://acme.example/{i}";
        }
        Assert.Contains("at most 5 links", await AlertAsync(await SaveAsync(admin, six)), StringComparison.Ordinal);
        Assert.Equal(before?.UpdatedAt, (await StoredAsync())?.UpdatedAt);
    }

    [Fact]
    public async Task Only_staff_admins_open_or_change_the_branding_and_visitors_are_sent_to_sign_in()
    {
        var (_, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var before = await StoredAsync();
        foreach (var who in new[] { await app.CreateUserAsync(staffRole: StaffRole.Agent), await app.CreateUserAsync(staffRole: StaffRole.Finance), owner })
        {
            using var client = await app.SignInAsync(who);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.Http.GetAsync(Url("/staff/branding"))).StatusCode);
            var post = await client.PostMultipartAsync("/staff/branding", await client.GetPageAsync("/account/profile"), Fields("Taken over"));
            Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        }
        using var visitor = app.Anonymous();
        var anonymous = await visitor.Http.GetAsync(Url("/staff/branding"));
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Equal("/login", anonymous.Headers.Location!.AbsolutePath);
        Assert.Equal(before?.UpdatedAt, (await StoredAsync())?.UpdatedAt);
    }

    private sealed class LaterClock(TimeSpan ahead) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + ahead;
    }

    [Fact]
    public async Task The_sweeper_keeps_the_current_logo_and_favicon_and_removes_a_replaced_logo()
    {
        using var admin = await AdminAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await SaveAsync(admin, Fields($"Sweep {PorticoApp.Unique()}"), ("Logo", "old.png", Png16))).StatusCode);
        var replaced = (await StoredAsync())!.Logo!.StorageKey;
        Assert.Equal(HttpStatusCode.Redirect, (await SaveAsync(admin, Fields($"Sweep {PorticoApp.Unique()}"),
            ("Logo", "new.png", Png32), ("Favicon", "icon.png", Png16))).StatusCode);
        var current = (await StoredAsync())!;

        var storage = app.Services.GetRequiredService<Portico.Infrastructure.Storage.IBlobStorage>();
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Portico.Infrastructure.Storage.StorageOptions>>();
        var later = new Portico.Features.Documents.BlobSweeper(app.Services.GetRequiredService<IServiceScopeFactory>(), storage, options,
            new LaterClock(options.Value.OrphanAge + TimeSpan.FromMinutes(1)), Microsoft.Extensions.Logging.Abstractions.NullLogger<Portico.Features.Documents.BlobSweeper>.Instance);
        await later.SweepAsync(CancellationToken.None);

        var keys = new List<string>();
        await foreach (var (key, _, _) in storage.ListAsync(CancellationToken.None))
        {
            keys.Add(key);
        }
        Assert.Contains(current.Logo!.StorageKey, keys);
        Assert.Contains(current.Favicon!.StorageKey, keys);
        Assert.DoesNotContain(replaced, keys);
        using var visitor = app.Anonymous();
        Assert.Equal(Png32, await visitor.Http.GetByteArrayAsync(Url("/branding/logo")));
    }

    [Fact]
    public async Task The_page_shows_the_saved_brand_in_its_preview_and_form()
    {
        using var admin = await AdminAsync();
        var name = $"Preview {PorticoApp.Unique()}";
        Assert.Equal(HttpStatusCode.Redirect, (await SaveAsync(admin, Fields(name, "#14532d", "#9a3412"))).StatusCode);

        IHtmlDocument page = await admin.GetPageAsync("/staff/branding");
        Assert.Equal(name, page.QuerySelector("[data-testid=brand-preview] [data-preview-text=name]")!.TextContent);
        Assert.Equal("#14532d", page.QuerySelector("input[name=PrimaryColor]")!.GetAttribute("value"));
        Assert.Equal("#9a3412", page.QuerySelector("input[name=AccentColor]")!.GetAttribute("value"));
        Assert.NotNull(page.QuerySelector("script[src^='/js/branding-preview.js']"));
    }
}
