namespace Portico.Features.Imports.Staff;

[Authorize(Policy = Policies.StaffAdmin)]
[RequestSizeLimit(20 * 1024 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = 20 * 1024 * 1024)]
public sealed class ImportModel(CsvImport import, IStringLocalizer<ImportModel> text) : PageModel
{
    [BindProperty] public string Kind { get; set; } = "accounts";
    public ImportReport? Report { get; private set; }

    public void OnGet()
    {
    }

    /// "check" runs a dry run; "import" writes when every row passes.
    public async Task<IActionResult> OnPostAsync(IFormFile? file, string? action, CancellationToken ct)
    {
        if (file is null || file.Length == 0)
        {
            Report = new ImportReport(Kind, true, false, 0, 0, 0, 0, 0, [], text["Choose a CSV file."]);
        }
        else
        {
            await using var stream = file.OpenReadStream();
            Report = await import.RunAsync(Kind, stream, dryRun: action != "import", ct);
        }
        if (Report.Error is not null || Report.Failed > 0)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }
        return Page();
    }
}
