namespace Portico.Features.Branding.Staff;

public sealed class FooterLinkInput
{
    public string? Label { get; set; }
    public string? Url { get; set; }
}

/// The portal's brand, set by staff Admins: name, colours, logo, favicon, support contact and footer links.
[Authorize(Policy = Policies.StaffAdmin)]
[RequestSizeLimit(MaxFormBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = MaxFormBytes)]
public sealed class BrandingModel(Brands brands, SaveBrand save, IStringLocalizer<BrandingModel> text) : PageModel
{
    // Room for both images at their limits and the fields; each image's own limit is checked with a message.
    private const int MaxFormBytes = 2 * 1024 * 1024;

    [BindProperty] public string? PortalName { get; set; }
    [BindProperty] public string? PrimaryColor { get; set; }
    [BindProperty] public string? AccentColor { get; set; }
    [BindProperty] public string? SupportEmail { get; set; }
    [BindProperty] public string? SupportPhone { get; set; }
    [BindProperty] public List<FooterLinkInput> FooterLinks { get; set; } = [];
    [BindProperty] public IFormFile? Logo { get; set; }
    [BindProperty] public bool RemoveLogo { get; set; }
    [BindProperty] public IFormFile? Favicon { get; set; }
    [BindProperty] public bool RemoveFavicon { get; set; }

    /// What the portal shows now; the preview starts from it.
    public Brand Current { get; private set; } = null!;
    public bool Saved { get; private set; }
    public string? Error => ModelState.Refusal();
    public Dictionary<string, string> FieldErrors => ModelState.FieldRefusals();

    public async Task OnGetAsync(bool saved, CancellationToken ct)
    {
        Saved = saved;
        Current = await brands.GetAsync(ct);
        PortalName = Current.PortalName;
        PrimaryColor = Current.PrimaryColor;
        AccentColor = Current.AccentColor;
        SupportEmail = Current.SupportEmail;
        SupportPhone = Current.SupportPhone;
        FooterLinks = Current.FooterLinks.Select(l => new FooterLinkInput { Label = l.Label, Url = l.Url }).ToList();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            ModelState.AddModelError(string.Empty, text["The brand was not saved: check the marked fields."]);
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            Current = await brands.GetAsync(ct);
            return Page();
        }
        var change = new BrandChange(PortalName, PrimaryColor, AccentColor, SupportEmail, SupportPhone,
            FooterLinks.Select(l => new FooterLink { Label = l.Label ?? "", Url = l.Url ?? "" }).ToList(), Logo, RemoveLogo, Favicon, RemoveFavicon);
        return await (await save.RunAsync(change, ct)).ToPageResultAsync(this, () => Redirect("/staff/branding?saved=true"), async () =>
        {
            Current = await brands.GetAsync(ct);
            return true;
        });
    }

    /// Five rows, filled from the saved or posted links.
    public IEnumerable<(int Index, FooterLinkInput Link)> LinkRows() =>
        Enumerable.Range(0, BrandRules.MaxFooterLinks).Select(i => (i, i < FooterLinks.Count ? FooterLinks[i] : new FooterLinkInput()));
}
