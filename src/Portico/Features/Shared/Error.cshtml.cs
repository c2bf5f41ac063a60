using System.Diagnostics;

namespace Portico.Features.Shared;

[AllowAnonymous]
[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ErrorModel(IStringLocalizer<ErrorModel> text) : PageModel
{
    public int Code { get; private set; }
    public string? TraceId { get; private set; }

    /// Which field was refused, when input was turned away before the page saw it.
    public string? Refused { get; private set; }

    /// Why a change was refused while a staff member views the portal as a customer.
    public string? ReadOnlyView { get; private set; }

    public void OnGet(int? code) => Show(code);

    public void OnPost(int? code) => Show(code);

    private void Show(int? code)
    {
        // After an exception the handler chose the status: 4xx for input the request could not carry, 503 for file storage out of reach, else 500.
        Code = code ?? (Response.StatusCode is (>= 400 and < 500) or 503 ? Response.StatusCode : 500);
        Response.StatusCode = code is null ? Code : Response.StatusCode;
        Refused = HttpContext.Features.Get<RefusedInput>()?.Message;
        ReadOnlyView = HttpContext.Features.Get<Accounts.CustomerViewRefusal>()?.Message;
        TraceId = System.Diagnostics.Activity.Current?.Id ?? HttpContext.TraceIdentifier;
    }

    public (string Title, string Text) Message => Code switch
    {
        403 when ReadOnlyView is not null => (CustomerViewMiddleware.RefusalTitle, ReadOnlyView),
        400 => (text["That request was not understood"].Value, text["Something in the request was malformed. Go back and try again."].Value),
        403 => (text["You don't have access to this"].Value, text["Your role in this account does not include this page. Ask your account owner if you need it."].Value),
        404 => (text["Page not found"].Value, text["There is nothing here, or it is not available to you."].Value),
        413 => (text["That upload is too large"].Value, text["The files you sent are larger than the portal accepts at once. Attach fewer or smaller files and try again."].Value),
        429 => (text["Too many attempts"].Value, text["Please wait a minute and try again."].Value),
        503 => (text["Files cannot be stored right now"].Value, text["The portal's file storage did not answer. Nothing was saved; please try again in a few minutes."].Value),
        _ => (text["Something went wrong"].Value, text["The problem has been logged. Please try again in a moment."].Value),
    };
}
