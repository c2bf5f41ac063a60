using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Portico.Infrastructure.Web;

/// The one way an outcome becomes a response, on pages and on the API.
public static class OutcomeResults
{
    /// Done runs onDone (a redirect, as a rule); NotFound answers 404; PendingApproval runs onPending, or onDone where a
    /// page has no message of its own for it. Forbidden (403) and Refused (422) put the message into ModelState and
    /// show the page again after reload, or 404 when what the page shows is gone meanwhile. Pages that have always
    /// answered a refusal with 200 (the sign-in settings) say so with refusedStatus.
    public static async Task<IActionResult> ToPageResultAsync(this Outcome outcome, PageModel page, Func<IActionResult> onDone,
        Func<Task<bool>> reload, Func<string, IActionResult>? onPending = null, int refusedStatus = StatusCodes.Status422UnprocessableEntity)
    {
        switch (outcome.Kind)
        {
            case OutcomeKind.Done:
                return onDone();
            case OutcomeKind.NotFound:
                return page.NotFound();
            case OutcomeKind.PendingApproval:
                return onPending is null ? onDone() : onPending(outcome.Message!);
        }
        if (outcome.Message is { } message)
        {
            page.ModelState.AddModelError(string.Empty, message);
        }
        foreach (var (field, error) in outcome.FieldErrors ?? new Dictionary<string, string>())
        {
            page.ModelState.AddModelError(field, error);
        }
        page.Response.StatusCode = outcome.Kind == OutcomeKind.Forbidden ? StatusCodes.Status403Forbidden : refusedStatus;
        return await reload() ? page.Page() : page.NotFound();
    }

    public static Task<IActionResult> ToPageResultAsync<T>(this Outcome<T> outcome, PageModel page, Func<T, IActionResult> onDone,
        Func<Task<bool>> reload, int refusedStatus = StatusCodes.Status422UnprocessableEntity) where T : class =>
        outcome.Status.ToPageResultAsync(page, () => onDone(outcome.Value!), reload, refusedStatus: refusedStatus);

    /// The message of the last refusal shown on the page, for its alert.
    public static string? Refusal(this ModelStateDictionary modelState) =>
        modelState.TryGetValue(string.Empty, out var entry) && entry.Errors.Count > 0 ? entry.Errors[^1].ErrorMessage : null;

    /// The last error of each field, for pages that show errors next to their fields.
    public static Dictionary<string, string> FieldRefusals(this ModelStateDictionary modelState) =>
        modelState.Where(e => e.Key.Length > 0 && e.Value is { Errors.Count: > 0 }).ToDictionary(e => e.Key, e => e.Value!.Errors[^1].ErrorMessage);

    /// Done runs onDone; NotFound answers 404; Forbidden 403 and PendingApproval 202 with the message as ProblemDetails;
    /// Refused answers 400 ValidationProblem, with its field errors or else the message under field.
    public static async Task<Results<TDone, ValidationProblem, NotFound, ProblemHttpResult>> ToApiResultAsync<TDone>(this Outcome outcome,
        Func<Task<TDone>> onDone, string field) where TDone : IResult => outcome.Kind switch
    {
        OutcomeKind.Done => await onDone(),
        OutcomeKind.NotFound => TypedResults.NotFound(),
        OutcomeKind.Forbidden => TypedResults.Problem(outcome.Message, statusCode: StatusCodes.Status403Forbidden),
        // No endpoint holds a change for approval yet; should one, the client learns nothing was applied.
        OutcomeKind.PendingApproval => TypedResults.Problem(outcome.Message, title: "Awaiting approval", statusCode: StatusCodes.Status202Accepted),
        _ => TypedResults.ValidationProblem(outcome.FieldErrors is { Count: > 0 } errors
            ? errors.ToDictionary(e => e.Key, e => new[] { e.Value })
            : new Dictionary<string, string[]> { [field] = [outcome.Message ?? ""] }),
    };

    public static Task<Results<TDone, ValidationProblem, NotFound, ProblemHttpResult>> ToApiResultAsync<T, TDone>(this Outcome<T> outcome,
        Func<T, Task<TDone>> onDone, string field) where T : class where TDone : IResult =>
        outcome.Status.ToApiResultAsync(() => onDone(outcome.Value!), field);
}
